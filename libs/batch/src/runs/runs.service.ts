import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { badRequest, conflict, notFound } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { ExecutionRecord, RunMeta } from '../store/batch-records';
import type { Analytics, ExecutionPageQuery, RunEvent, RunPage, RunResults, RunSettings, RunView, StartedRun, StartRunRequest } from '../api/runs.types';
import { LoopYielder } from '../event-loop/loop.yielder';
import { mapYielding } from '../event-loop/yielding.map';
import { UserSelector } from '../users/user.selector';
import { WorkflowsService } from '../workflows/workflows.service';
import { RunCancellation } from './run.cancellation';
import { RunEvents } from './run.events';
import { RunRetention } from './run.retention';
import { RunScheduler } from './run.scheduler';
import { analytics, groupResults } from './run-results.view';
import { ExecutionOrder } from './execution.order';
import { EXECUTION_PAGE_LIMIT, runSummary, runView } from './run.view';

/**
 * Runs of batch workflows, as the API and the CLI use them: start, read, cancel, retry, follow.
 * Working the runs is the scheduler's job, announcing them the events', pruning them retention's.
 */
@Injectable()
export class RunsService {
  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly workflows: WorkflowsService,
    private readonly users: UserSelector,
    private readonly scheduler: RunScheduler,
    private readonly cancellation: RunCancellation,
    private readonly events: RunEvents,
    private readonly retention: RunRetention,
    private readonly order: ExecutionOrder,
  ) {}

  /** The concurrency a new run gets when it names none, and the most it may ask for. */
  settings(): RunSettings {
    const { default_concurrency, max_concurrency } = this.config.settings;
    return { defaultConcurrency: default_concurrency, maxConcurrency: max_concurrency };
  }

  /** Starts a run of a workflow for the selected users; refuses it when users lack fields, unless forced. */
  async start(request: StartRunRequest): Promise<StartedRun> {
    const workflow = await this.workflows.get(request.workflowId);
    const users = await this.users.select(request);
    if (users.length === 0) throw badRequest(BatchMessages.emptyDirectory());
    const { default_concurrency: fallback, max_concurrency: max } = this.config.settings;
    const concurrency = request.concurrency ?? fallback;
    // The API's body is checked already; the bound is the config's, and the CLI comes here directly.
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > max) {
      throw badRequest(BatchMessages.concurrency(max));
    }
    if (workflow.on_missing === 'error' && request.force !== true) {
      const preflight = this.workflows.preflight(workflow, users);
      if (!preflight.ok) throw badRequest(BatchMessages.missingFields(preflight.missing.length), preflight);
    }
    const runId = `${Date.now()}${randomBytes(3).toString('hex')}`;
    const { source: _source, fields: _fields, ...definition } = workflow;
    const meta: RunMeta = {
      id: runId,
      workflowId: workflow.id,
      workflowName: workflow.name,
      workflow: definition,
      status: 'queued',
      concurrency,
      createdAt: new Date().toISOString(),
    };
    const slices = new LoopYielder();
    const executions = await mapYielding(users, (user): ExecutionRecord => ({
      id: `workflow-${user.id}-${runId}`,
      userId: user.id,
      userName: user.name,
      status: 'pending',
      attempts: 0,
      tokens: 0,
      billedTokens: 0,
    }), slices);
    // The lease first: another server's recovery must not take the run between its writes and its launch.
    const fence = (await this.scheduler.claim(runId))!;
    try {
      await this.store.putRun(meta, fence);
      await this.store.putExecutions(runId, executions, fence);
    } catch (error) {
      await this.scheduler.unclaim(runId, fence);
      throw error;
    }
    this.scheduler.launch(fence, meta, executions, users);
    await this.retention.pruneOldRuns();
    return { runId, executions: await mapYielding(executions, (e) => ({ userId: e.userId, workflowId: e.id }), slices) };
  }

  /** A run with one page of its executions (by default the first 1000), in the run's order. */
  async get(runId: string, { offset = 0, limit = EXECUTION_PAGE_LIMIT }: ExecutionPageQuery = {}): Promise<RunView> {
    const { meta, executions } = await this.state(runId);
    const size = Math.min(limit, EXECUTION_PAGE_LIMIT);
    return runView(meta, executions, await this.order.page(runId, executions, offset, size), offset, size);
  }

  /** Every user's node outputs, final result, tokens, status, error and duration, in the run's order. */
  async results(runId: string): Promise<RunResults> {
    const { meta, executions } = await this.state(runId);
    return groupResults(meta, await this.order.ordered(runId, executions), await this.store.getResults(runId));
  }

  async analytics(runId: string): Promise<Analytics> {
    const { meta } = await this.state(runId);
    return analytics(meta, await this.results(runId));
  }

  /** Run history, newest first, without the executions. */
  async list(offset = 0, limit = 50): Promise<RunPage> {
    const runs = await this.store.listRuns();
    const page = runs.slice(offset, offset + limit);
    const items = await Promise.all(page.map(async (meta) => {
      const state = await this.state(meta.id);
      return runSummary(state.meta, state.executions);
    }));
    return { items, total: runs.length };
  }

  /** Cancels a run on whichever server on the store works it (see RunCancellation); 409 when it has ended. */
  async cancel(runId: string): Promise<RunView> {
    const cancelled = await this.cancellation.cancel(runId);
    if (cancelled?.meta.status !== 'cancelled') {
      const status = cancelled?.meta.status ?? (await this.get(runId, { limit: 0 })).status;
      throw conflict(BatchMessages.runFinished(runId, status));
    }
    // From the holder's own view when it is this server, which answers while the store is away.
    const { meta, executions } = cancelled;
    return runView(meta, executions, await this.order.page(runId, executions, 0, EXECUTION_PAGE_LIMIT), 0, EXECUTION_PAGE_LIMIT);
  }

  async retryFailed(runId: string): Promise<RunView> {
    await this.scheduler.retryFailed(runId);
    return this.get(runId);
  }

  /** Events of one run, for SSE. Returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    return this.events.subscribe(runId, listener);
  }

  isActive(runId: string): boolean {
    return this.scheduler.isActive(runId);
  }

  /** A run as this process holds it when active (fresher than the store's), else as stored. */
  private async state(runId: string): Promise<{ meta: RunMeta; executions: ExecutionRecord[] }> {
    const active = this.scheduler.activeRun(runId);
    if (active) return active;
    const meta = await this.store.getRun(runId);
    if (!meta) throw notFound(BatchMessages.noRun(runId));
    return { meta, executions: await this.store.getExecutions(runId) };
  }
}
