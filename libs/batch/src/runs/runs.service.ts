import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { badRequest, conflict, notFound } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { ExecutionRecord, RunMeta } from '../store/batch-records';
import type { RunEvent, RunPage, RunView, StartedRun, StartRunRequest } from '../api/runs.types';
import { UserSelector } from '../users/user.selector';
import { WorkflowsService } from '../workflows/workflows.service';
import { RunEvents } from './run.events';
import { RunRetention } from './run.retention';
import { RunScheduler } from './run.scheduler';
import { runView } from './run.view';

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
    private readonly events: RunEvents,
    private readonly retention: RunRetention,
  ) {}

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
    const executions = users.map((user): ExecutionRecord => ({
      id: `workflow-${user.id}-${runId}`,
      userId: user.id,
      userName: user.name,
      status: 'pending',
      attempts: 0,
      tokens: 0,
    }));
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
    return { runId, executions: executions.map((e) => ({ userId: e.userId, workflowId: e.id })) };
  }

  async get(runId: string): Promise<RunView> {
    const active = this.scheduler.activeRun(runId);
    if (active) return runView(active.meta, active.executions);
    const meta = await this.store.getRun(runId);
    if (!meta) throw notFound(BatchMessages.noRun(runId));
    return runView(meta, await this.store.getExecutions(runId));
  }

  /** Run history, newest first, without the executions. */
  async list(offset = 0, limit = 50): Promise<RunPage> {
    const runs = await this.store.listRuns();
    const page = runs.slice(offset, offset + limit);
    const items = await Promise.all(page.map(async (meta) => {
      const { executions: _executions, ...summary } = await this.get(meta.id);
      return summary;
    }));
    return { items, total: runs.length };
  }

  async cancel(runId: string): Promise<RunView> {
    const cancelled = await this.scheduler.cancel(runId);
    if (!cancelled) {
      const run = await this.get(runId);
      throw conflict(BatchMessages.runFinished(runId, run.status));
    }
    return runView(cancelled.meta, cancelled.executions);
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
}
