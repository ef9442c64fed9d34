import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { EventEmitter, setMaxListeners } from 'node:events';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { badRequest, conflict, notFound } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser, ExecutionRecord, ExecutionStatus, NodeResult, RunMeta, RunStatus } from '../store/batch-records';
import { TemplateError } from '../templates/template.renderer';
import { WorkflowsService } from '../workflows/workflows.service';
import { ExecutionRunner } from './execution.runner';

export interface Progress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface RunView extends Omit<RunMeta, 'workflow'> {
  progress: Progress;
  executions: ExecutionRecord[];
}

export type RunEvent =
  | { type: 'execution'; data: ExecutionRecord }
  | { type: 'progress'; data: Progress }
  | { type: 'end'; data: { status: RunStatus } };

/** A run being worked on in this process. */
interface ActiveRun {
  meta: RunMeta;
  executions: Map<string, ExecutionRecord>;
  users: Map<string, BatchUser>;
  abort: AbortController;
  done: Promise<void>;
  /** Results of the nodes an interrupted attempt completed, by user: a resumed execution continues after them. */
  resumable: Map<string, NodeResult[]>;
}

/**
 * Starts runs and works them: executions in parallel, never more than the run's concurrency at once,
 * failed ones retried with backoff, every change stored and announced. A run interrupted by a
 * restart is resumed at startup from the store.
 */
@Injectable()
export class RunOrchestrator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BatchRuns');
  private readonly active = new Map<string, ActiveRun>();
  /** Runs a retry-failed request is preparing to launch. */
  private readonly retrying = new Set<string>();
  private readonly events = new EventEmitter().setMaxListeners(0);
  private closing = false;

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly workflows: WorkflowsService,
    private readonly runner: ExecutionRunner,
  ) {}

  /** The users a request selects: `{ userIds: [...] }` or `{ all: true }`. */
  async selectUsers(body: unknown): Promise<BatchUser[]> {
    const { userIds, all } = (body ?? {}) as { userIds?: unknown; all?: unknown };
    if (all === true) return this.store.listUsers();
    if (!Array.isArray(userIds) || userIds.length === 0 || !userIds.every((id) => typeof id === 'string')) {
      throw badRequest(BatchMessages.noUsersSelected());
    }
    const unique = [...new Set(userIds as string[])];
    const found = await this.store.getUsers(unique);
    const unknown = unique.filter((_, i) => !found[i]);
    if (unknown.length > 0) throw badRequest(BatchMessages.unknownUsers(unknown));
    return found as BatchUser[];
  }

  async start(body: unknown): Promise<{ runId: string; executions: { userId: string; workflowId: string }[] }> {
    const request = (body ?? {}) as { workflowId?: unknown; concurrency?: unknown; force?: unknown };
    if (typeof request.workflowId !== 'string') throw badRequest("'workflowId' is required");
    const workflow = await this.workflows.get(request.workflowId);
    const users = await this.selectUsers(body);
    if (users.length === 0) throw badRequest(BatchMessages.emptyDirectory());
    const { default_concurrency: fallback, max_concurrency: max } = this.config.settings;
    const concurrency = request.concurrency ?? fallback;
    if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > max) {
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
    await this.store.putRun(meta);
    await this.store.putExecutions(runId, executions);
    this.launch(meta, executions, users);
    await this.applyRetention();
    return { runId, executions: executions.map((e) => ({ userId: e.userId, workflowId: e.id })) };
  }

  async get(runId: string): Promise<RunView> {
    const active = this.active.get(runId);
    if (active) return view(active.meta, [...active.executions.values()]);
    const meta = await this.store.getRun(runId);
    if (!meta) throw notFound(BatchMessages.noRun(runId));
    return view(meta, await this.store.getExecutions(runId));
  }

  async list(offset = 0, limit = 50): Promise<{ items: Omit<RunView, 'executions'>[]; total: number }> {
    const runs = await this.store.listRuns();
    const page = runs.slice(offset, offset + limit);
    const items = await Promise.all(page.map(async (meta) => {
      const { executions: _executions, ...summary } = await this.get(meta.id);
      return summary;
    }));
    return { items, total: runs.length };
  }

  async cancel(runId: string): Promise<RunView> {
    const active = this.active.get(runId);
    if (!active) {
      const run = await this.get(runId);
      throw conflict(BatchMessages.runFinished(runId, run.status));
    }
    active.meta.status = 'cancelled';
    active.abort.abort();
    const cancelled = [...active.executions.values()].filter((e) => e.status === 'pending');
    for (const execution of cancelled) execution.status = 'cancelled';
    await this.store.putExecutions(runId, cancelled);
    cancelled.forEach((execution) => this.emit(runId, { type: 'execution', data: execution }));
    await active.done;
    return this.get(runId);
  }

  async retryFailed(runId: string): Promise<RunView> {
    // Claimed before the first await, so a second request meanwhile cannot launch the run twice.
    if (this.active.has(runId) || this.retrying.has(runId)) throw conflict(BatchMessages.runFinished(runId, 'running'));
    this.retrying.add(runId);
    try {
      const meta = await this.store.getRun(runId);
      if (!meta) throw notFound(BatchMessages.noRun(runId));
      const executions = await this.store.getExecutions(runId);
      const failed = executions.filter((e) => e.status === 'failed' || e.status === 'cancelled');
      for (const execution of failed) Object.assign(execution, { status: 'pending', attempts: 0, error: undefined, durationMs: undefined });
      await this.store.putExecutions(runId, failed);
      for (const execution of failed) await this.store.clearResults(runId, execution.userId); // a retry starts clean
      const users = await this.store.getUsers(failed.map((e) => e.userId));
      this.launch({ ...meta, finishedAt: undefined }, executions, users.filter((u): u is BatchUser => !!u));
    } finally {
      this.retrying.delete(runId);
    }
    return this.get(runId);
  }

  /** Events of one run, for SSE. Returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.events.on(runId, listener);
    return () => this.events.off(runId, listener);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /**
   * Resumes runs a restart interrupted: their pending and running executions run again, each after
   * the nodes it had already completed (their stored results), so no node that finished runs twice.
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
      this.launch(meta, executions, users, resumable);
    }
  }

  /** On shutdown, stops taking executions; a run left unfinished resumes on the next start (with Redis). */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const run of this.active.values()) run.abort.abort();
    await Promise.all([...this.active.values()].map((run) => run.done));
  }

  private launch(meta: RunMeta, executions: ExecutionRecord[], users: BatchUser[], resumable = new Map<string, NodeResult[]>()): void {
    const run: ActiveRun = {
      meta,
      executions: new Map(executions.map((e) => [e.userId, e])),
      users: new Map(users.map((u) => [u.id, u])),
      abort: new AbortController(),
      done: Promise.resolve(),
      resumable,
    };
    // Every execution in flight (up to the run's concurrency) listens for the run's cancel.
    setMaxListeners(0, run.abort.signal);
    this.active.set(meta.id, run);
    run.done = this.work(run).catch((error) => this.logger.error(`Run ${meta.id} stopped: ${(error as Error).message}`));
  }

  private async work(run: ActiveRun): Promise<void> {
    const { meta } = run;
    meta.status = 'running';
    meta.startedAt ??= new Date().toISOString();
    await this.store.putRun(meta);
    // Resumed and retried executions read their users again; one who has left the directory cannot run.
    for (const execution of run.executions.values()) {
      if (execution.status === 'pending' && !run.users.has(execution.userId)) {
        await this.update(run, execution, { status: 'failed', error: BatchMessages.noUser(execution.userId) });
      }
    }
    const queue = [...run.executions.values()].filter((e) => e.status === 'pending');
    const worker = async () => {
      for (let next = queue.shift(); next && !run.abort.signal.aborted; next = queue.shift()) await this.executeWithRetries(run, next);
    };
    await Promise.all(Array.from({ length: Math.min(meta.concurrency, queue.length) }, worker));
    this.active.delete(meta.id);
    const cancelled = (meta.status as RunStatus) === 'cancelled'; // set by cancel() meanwhile
    if (this.closing && !cancelled) return; // interrupted: left as running, resumed on the next start
    const executions = [...run.executions.values()];
    if (!cancelled) meta.status = executions.every((e) => e.status === 'failed') ? 'failed' : 'completed';
    meta.finishedAt = new Date().toISOString();
    await this.store.putRun(meta);
    this.emit(meta.id, { type: 'progress', data: progressOf(executions) });
    this.emit(meta.id, { type: 'end', data: { status: meta.status } });
  }

  private async executeWithRetries(run: ActiveRun, execution: ExecutionRecord): Promise<void> {
    const user = run.users.get(execution.userId)!;
    const { max_attempts: maxAttempts, retry_backoff: backoff } = this.config.settings;
    const started = performance.now();
    let completed = run.resumable.get(execution.userId) ?? [];
    run.resumable.delete(execution.userId);
    while (!run.abort.signal.aborted) {
      execution.attempts++;
      await this.update(run, execution, { status: 'running' });
      try {
        const outcome = await this.runner.execute(run.meta.id, run.meta.workflow, user, run.abort.signal, completed);
        await this.update(run, execution, { status: 'succeeded', tokens: outcome.tokens, error: undefined, durationMs: Math.round(performance.now() - started) });
        return;
      } catch (error) {
        const message = (error as Error)?.message ?? String(error);
        const final = error instanceof TemplateError || execution.attempts >= maxAttempts || run.abort.signal.aborted;
        if (final) {
          const status: ExecutionStatus = run.abort.signal.aborted && run.meta.status === 'cancelled' ? 'cancelled' : this.closing ? 'pending' : 'failed';
          await this.update(run, execution, { status, error: status === 'failed' ? message : undefined, durationMs: Math.round(performance.now() - started) });
          return;
        }
        const delay = backoff * 1000 * 2 ** (execution.attempts - 1) * (0.5 + Math.random());
        await sleep(delay, run.abort.signal);
        // A retry starts clean; the failed attempt's results stay visible until then.
        completed = [];
        await this.store.clearResults(run.meta.id, execution.userId);
      }
    }
    // Stopped while waiting to retry: cancelled, or pending again to resume after a restart.
    await this.update(run, execution, { status: run.meta.status === 'cancelled' ? 'cancelled' : 'pending', error: undefined, durationMs: Math.round(performance.now() - started) });
  }

  private async update(run: ActiveRun, execution: ExecutionRecord, change: Partial<ExecutionRecord>): Promise<void> {
    Object.assign(execution, change);
    for (const key of Object.keys(change) as (keyof ExecutionRecord)[]) if (execution[key] === undefined) delete execution[key];
    await this.store.putExecutions(run.meta.id, [execution]);
    this.emit(run.meta.id, { type: 'execution', data: { ...execution } });
    // Counting is O(users), so only when someone listens (an SSE client, the CLI's progress bar).
    if (this.events.listenerCount(run.meta.id) > 0) {
      this.emit(run.meta.id, { type: 'progress', data: progressOf([...run.executions.values()]) });
    }
  }

  private emit(runId: string, event: RunEvent): void {
    this.events.emit(runId, event);
  }

  /** Keeps the newest `retention_runs` runs; older finished ones go with their results. */
  private async applyRetention(): Promise<void> {
    const runs = await this.store.listRuns();
    for (const old of runs.slice(this.config.settings.retention_runs)) {
      if (!this.active.has(old.id)) await this.store.deleteRun(old.id);
    }
  }
}

export function progressOf(executions: ExecutionRecord[]): Progress {
  const progress: Progress = { total: executions.length, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0 };
  for (const execution of executions) progress[execution.status]++;
  return progress;
}

const byName = new Intl.Collator(undefined, { numeric: true });

/**
 * A run with its executions in one order whatever the store (a Redis hash keeps none) and whether
 * or not the run is active: by user name, then id, as the directory lists users.
 */
function view(meta: RunMeta, executions: ExecutionRecord[]): RunView {
  const { workflow: _workflow, ...rest } = meta;
  const ordered = [...executions].sort((a, b) => byName.compare(a.userName, b.userName) || byName.compare(a.userId, b.userId));
  return { ...rest, progress: progressOf(executions), executions: ordered };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
