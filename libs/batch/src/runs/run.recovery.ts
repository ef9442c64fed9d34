import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BATCH_STORE } from '../batch.constants';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser, NodeResult } from '../store/batch-records';
import { RunScheduler } from './run.scheduler';

/** Resumes, at startup, the runs a restart interrupted (their state survives with the Redis store). */
@Injectable()
export class RunRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger('BatchRuns');

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    private readonly scheduler: RunScheduler,
  ) {}

  /**
   * Pending and running executions run again, each after the nodes it had already completed (their
   * stored results), so no node that finished runs twice.
   */
  async onApplicationBootstrap(): Promise<void> {
    for (const meta of await this.store.listRuns()) {
      if (meta.status !== 'queued' && meta.status !== 'running') continue;
      const executions = await this.store.getExecutions(meta.id);
      const unfinished = executions.filter((e) => e.status === 'pending' || e.status === 'running');
      for (const execution of unfinished) execution.status = 'pending';
      const users = (await this.store.getUsers(unfinished.map((e) => e.userId))).filter((u): u is BatchUser => !!u);
      const waiting = new Set(unfinished.map((e) => e.userId));
      const resumable = new Map<string, NodeResult[]>();
      for (const result of await this.store.getResults(meta.id)) {
        if (waiting.has(result.userId)) resumable.set(result.userId, [...(resumable.get(result.userId) ?? []), result]);
      }
      this.logger.log(`Resuming run ${meta.id}: ${unfinished.length} unfinished execution(s)`);
      this.scheduler.launch(meta, executions, users, resumable);
    }
  }
}
