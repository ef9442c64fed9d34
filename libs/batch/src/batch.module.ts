import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ReadinessRegistry, useUserscopeErrors } from '@userscope/http';
import { ShutdownProgress, UserFieldsRegistry } from '@userscope/runtime';
import { LlmRegistry, TokenAccounting } from '@userscope/llm';
import { BATCH_CONFIG, BATCH_LLM, BATCH_STORE } from './batch.constants';
import { LlmNodeCaller } from './runs/llm-node.caller';
import { BatchConfig } from './config/batch-config.reader';
import { BatchStore } from './store/batch-store.interface';
import { BatchMetrics } from './runs/batch.metrics';
import { createBatchStore } from './store/batch-store.factory';
import { UsersService } from './users/users.service';
import { UsersController } from './users/users.controller';
import { UserListIndex } from './users/user-list.index';
import { WorkflowsService } from './workflows/workflows.service';
import { WorkflowsController } from './workflows/workflows.controller';
import { CatalogController } from './workflows/catalog.controller';
import { WorkflowCatalogService } from './workflows/workflow.catalog';
import { DraftTester } from './workflows/draft.tester';
import { ExecutionOrder } from './runs/execution.order';
import { ExecutionRunner } from './runs/execution.runner';
import { RunCancellation } from './runs/run.cancellation';
import { RunEvents } from './runs/run.events';
import { RunRecovery } from './runs/run.recovery';
import { RunRetention } from './runs/run.retention';
import { RunScheduler } from './runs/run.scheduler';
import { RunsService } from './runs/runs.service';
import { RunsController } from './runs/runs.controller';
import { UserSelector } from './users/user.selector';
import { DirectoryFieldSource } from './users/directory.field-source';
import { ExecutionQueue } from './queue/execution.queue';
import { QueuedRunDispatcher } from './queue/queued-run.dispatcher';
import { QueuedExecutionProcessor } from './queue/queued-execution.processor';
import { ExecutionWorker } from './queue/execution.worker';
import { WorkerPresence } from './queue/worker.presence';
import { WorkersController } from './queue/workers.controller';

useUserscopeErrors(UsersController, WorkflowsController, CatalogController, RunsController, WorkersController);

/** Multi-user batch execution: users directory, batch workflows, runs, results, and their REST API. */
@Module({})
export class BatchModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    private readonly progress: ShutdownProgress,
    private readonly userFields: UserFieldsRegistry,
    @Optional() private readonly readiness?: ReadinessRegistry,
  ) {}

  /** `batch` is the config's batch part (see `readBatchConfig`). */
  static forRoot(batch: BatchConfig): DynamicModule {
    return {
      module: BatchModule,
      controllers: [UsersController, WorkflowsController, CatalogController, RunsController, WorkersController],
      providers: [
        { provide: BATCH_CONFIG, useValue: batch },
        { provide: BATCH_STORE, useFactory: () => createBatchStore(batch.settings) },
        {
          provide: BATCH_LLM,
          inject: [{ token: LlmRegistry, optional: true }, { token: TokenAccounting, optional: true }],
          useFactory: (llms?: LlmRegistry, accounting?: TokenAccounting) => (llms && accounting ? new LlmNodeCaller(llms, accounting) : undefined),
        },
        UsersService,
        UserListIndex,
        UserSelector,
        WorkflowsService,
        WorkflowCatalogService,
        DraftTester,
        ExecutionRunner,
        RunScheduler,
        RunCancellation,
        RunEvents,
        RunRecovery,
        RunRetention,
        RunsService,
        ExecutionOrder,
        BatchMetrics,
        ExecutionQueue,
        QueuedRunDispatcher,
        QueuedExecutionProcessor,
        ExecutionWorker,
        WorkerPresence,
      ],
      exports: [BATCH_STORE, BATCH_CONFIG, UsersService, WorkflowsService, RunsService],
    };
  }

  onModuleInit(): void {
    this.readiness?.register({ name: 'store', check: () => this.store.ping() });
    // The directory's users' fields, for whoever asks by user (the limits' groups by plan).
    this.userFields.register(new DirectoryFieldSource(this.store));
    // CSV imports arrive as text/csv; Fastify parses JSON only unless told.
    const fastify = this.adapterHost.httpAdapter?.getInstance?.();
    if (fastify && !fastify.hasContentTypeParser('text/csv')) {
      fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request: unknown, body: string, done: (e: null, b: string) => void) => done(null, body));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    // Tracked, so that a shutdown cut short by its deadline names it.
    await this.progress.track(`closing the batch store (${this.store.name})`, this.store.close());
  }
}
