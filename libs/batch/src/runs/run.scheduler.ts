import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { setMaxListeners } from 'node:events';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { conflict, notFound } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser, ExecutionRecord, ExecutionStatus, NodeResult, RunMeta, RunStatus } from '../store/batch-records';
import { LoopYielder } from '../event-loop/loop.yielder';
import { ExecutionAttempt, ExecutionRunner } from './execution.runner';
import { executionRetryDelay } from './execution-retry.policy';
import { billedTokensOf } from './run.view';
import { RunEvents } from './run.events';

/** A run being worked on in this process. */
interface ActiveRun {
  meta: RunMeta;
  executions: Map<string, ExecutionRecord>;
  users: Map<string, BatchUser>;
  abort: AbortController;
  done: Promise<void>;
  /** Results of the nodes an interrupted attempt completed, by user: a resumed execution continues after them. */
  resumable: Map<string, NodeResult[]>;
  /** Executions without I/O never wait: every worker gives the event loop a turn when a slice is used up. */
  slices: LoopYielder;
}

/**
 * Works runs: their executions in parallel, never more than the run's concurrency at once, failed
 * ones retried with backoff, every change stored and published. Owns the runs active in this process.
 */
@Injectable()
export class RunScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('BatchRuns');
  private readonly active = new Map<string, ActiveRun>();
  /** Runs a retry-failed request is preparing to launch. */
  private readonly retrying = new Set<string>();
  private closing = false;

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly runner: ExecutionRunner,
    private readonly events: RunEvents,
  ) {}

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** An active run's state as this process holds it (fresher than the store's), or undefined. */
  activeRun(runId: string): { meta: RunMeta; executions: ExecutionRecord[] } | undefined {
    const run = this.active.get(runId);
    return run && { meta: run.meta, executions: [...run.executions.values()] };
  }

  /** Starts working `executions`' pending ones; `resumable` holds the node results a resumed execution continues after. */
  launch(meta: RunMeta, executions: ExecutionRecord[], users: BatchUser[], resumable = new Map<string, NodeResult[]>()): void {
    const run: ActiveRun = {
      meta,
      executions: new Map(executions.map((e) => [e.userId, e])),
      users: new Map(users.map((u) => [u.id, u])),
      abort: new AbortController(),
      done: Promise.resolve(),
      resumable,
      slices: new LoopYielder(),
    };
    // Every execution in flight (up to the run's concurrency) listens for the run's cancel.
    setMaxListeners(0, run.abort.signal);
    this.active.set(meta.id, run);
    run.done = this.work(run).catch((error) => this.logger.error(`Run ${meta.id} stopped: ${(error as Error).message}`));
  }

  /** Cancels an active run and waits until it has stopped; false when the run is not active. */
  async cancel(runId: string): Promise<boolean> {
    const run = this.active.get(runId);
    if (!run) return false;
    run.meta.status = 'cancelled';
    run.abort.abort();
    const cancelled = [...run.executions.values()].filter((e) => e.status === 'pending');
    for (const execution of cancelled) execution.status = 'cancelled';
    await this.store.putExecutions(runId, cancelled);
    cancelled.forEach((execution) => this.events.publishExecution(runId, execution));
    await run.done;
    return true;
  }

  /** Launches a finished run again for its failed and cancelled executions, each from a clean start. */
  async retryFailed(runId: string): Promise<void> {
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
      for (const execution of failed) await this.store.clearResults(runId, execution.userId);
      const users = await this.store.getUsers(failed.map((e) => e.userId));
      this.launch({ ...meta, finishedAt: undefined }, executions, users.filter((u): u is BatchUser => !!u));
    } finally {
      this.retrying.delete(runId);
    }
  }

  /** On shutdown, stops taking executions; a run left unfinished resumes on the next start (with Redis). */
  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    for (const run of this.active.values()) run.abort.abort();
    await Promise.all([...this.active.values()].map((run) => run.done));
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
    this.events.publishProgress(meta.id, executions);
    this.events.publishEnd(meta.id, meta.status);
  }

  private async executeWithRetries(run: ActiveRun, execution: ExecutionRecord): Promise<void> {
    const user = run.users.get(execution.userId)!;
    const started = performance.now();
    // A retry continues after the nodes earlier attempts completed: they are not run, nor billed, again.
    const results = run.resumable.get(execution.userId) ?? [];
    run.resumable.delete(execution.userId);
    while (!run.abort.signal.aborted) {
      execution.attempts++;
      await this.update(run, execution, { status: 'running' });
      const attempt: ExecutionAttempt = { results, billedTokens: 0 };
      const carried = results.reduce((sum, result) => sum + result.tokens, 0);
      const tokens = () => ({ tokens: carried + attempt.billedTokens, billedTokens: billedTokensOf(execution) + attempt.billedTokens });
      try {
        await this.runner.execute(run.meta.id, run.meta.workflow, user, run.abort.signal, attempt);
        await this.update(run, execution, { status: 'succeeded', ...tokens(), error: undefined, durationMs: Math.round(performance.now() - started) });
        return;
      } catch (error) {
        const message = (error as Error)?.message ?? String(error);
        const delay = run.abort.signal.aborted ? undefined : executionRetryDelay(error, execution.attempts, this.config.settings);
        if (delay === undefined) {
          const status: ExecutionStatus = run.abort.signal.aborted && run.meta.status === 'cancelled' ? 'cancelled' : this.closing ? 'pending' : 'failed';
          await this.update(run, execution, { status, ...tokens(), error: status === 'failed' ? message : undefined, durationMs: Math.round(performance.now() - started) });
          return;
        }
        await this.update(run, execution, tokens()); // billed now: a restart meanwhile would lose it
        await sleep(delay, run.abort.signal);
      }
    }
    // Stopped while waiting to retry: cancelled, or pending again to resume after a restart.
    await this.update(run, execution, { status: run.meta.status === 'cancelled' ? 'cancelled' : 'pending', error: undefined, durationMs: Math.round(performance.now() - started) });
  }

  private async update(run: ActiveRun, execution: ExecutionRecord, change: Partial<ExecutionRecord>): Promise<void> {
    Object.assign(execution, change);
    for (const key of Object.keys(change) as (keyof ExecutionRecord)[]) if (execution[key] === undefined) delete execution[key];
    await run.slices.yieldIfDue(); // at every change: the point each of the run's workers reaches soonest
    await this.store.putExecutions(run.meta.id, [execution]);
    this.events.publishExecution(run.meta.id, execution);
    this.events.publishProgress(run.meta.id, run.executions.values());
  }
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
