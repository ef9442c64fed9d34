import { BatchMetrics } from './batch.metrics';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ShutdownProgress, toMilliseconds } from '@userscope/runtime';
import { setMaxListeners } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { BATCH_CONFIG, BATCH_STORE, EXECUTION_DRAIN_MS } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { conflict, notFound } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { StaleLeaseError } from '../exceptions/stale-lease.exception';
import { StoreUnavailableError } from '../exceptions/store-unavailable.exception';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser, ExecutionRecord, ExecutionStatus, isLive, NodeResult, RunMeta, RunStatus } from '../store/batch-records';
import { TemplateError } from '../templates/template.renderer';
import { LoopYielder } from '../event-loop/loop.yielder';
import { indexYielding } from '../event-loop/yielding.map';
import { abortableDelay } from './abortable.delay';
import { ExecutionAttempt, ExecutionRunner } from './execution.runner';
import { executionRetryDelay } from './execution-retry.policy';
import { billedTokensOf } from './run.view';
import { RunEvents } from './run.events';
import { RunWriter } from './run.writer';
import { failureOf } from './execution.failure';
import { QueuedRunDispatcher, RunDispatch } from '../queue/queued-run.dispatcher';

/** How often retry-failed asks again for the lease of a run that ended on another server, until that server gives it back. */
const LEASE_POLL_MS = 25;

/** A run being worked on in this process, which holds its lease. */
interface ActiveRun {
  meta: RunMeta;
  /** Every execution of the run, in no particular order (a 100,000-user run is not indexed in one go). */
  executions: ExecutionRecord[];
  /** The users of the executions to work, by id: filled in slices as the run starts. */
  users: Map<string, BatchUser>;
  /** Stops the run: its nodes' signals abort, and each execution stops before its next node. */
  abort: AbortController;
  /** Gives up on its executions at once, even on nodes that ignore their signal. */
  abandon: AbortController;
  done: Promise<void>;
  /** Results of the nodes an interrupted attempt completed, by user: a resumed execution continues after them. */
  resumable: Map<string, NodeResult[]>;
  /** Executions without I/O never wait: every worker gives the event loop a turn when a slice is used up. */
  slices: LoopYielder;
  writer: RunWriter;
  heartbeat?: NodeJS.Timeout;
  /** Another process took the run over: this one stops without writing. */
  lost: boolean;
  /** With the queue: the executions handed to workers, which write them from then on. */
  dispatched: Set<string>;
}

/** A run's state as the process working it holds it. */
export interface RunSnapshot {
  meta: RunMeta;
  executions: ExecutionRecord[];
}

/**
 * Works runs: their executions in parallel, never more than the run's concurrency at once, failed
 * ones retried with backoff, every change stored and published. Owns the runs active in this
 * process, each under a lease in the store that a heartbeat renews. A run stops when cancelled here
 * (`cancel`), or when it finds a cancel requested in the store (see RunCancellation): as it starts,
 * and at each heartbeat.
 */
@Injectable()
export class RunScheduler implements OnApplicationShutdown {
  private readonly logger = new Logger('BatchRuns');
  private readonly active = new Map<string, ActiveRun>();
  /** Runs a retry-failed request is preparing to launch. */
  private readonly retrying = new Set<string>();
  /** Aborted at shutdown: writes stop waiting for the store. */
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly runner: ExecutionRunner,
    private readonly events: RunEvents,
    private readonly progress: ShutdownProgress,
    private readonly metrics: BatchMetrics,
    private readonly dispatcher: QueuedRunDispatcher,
  ) {}

  private get closing(): boolean {
    return this.shutdown.signal.aborted;
  }

  private get leaseTtlMs(): number {
    return toMilliseconds(this.config.settings.run_lease_ttl);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId) || this.retrying.has(runId);
  }

  /** An active run's state as this process holds it (fresher than the store's), or undefined. */
  activeRun(runId: string): RunSnapshot | undefined {
    const run = this.active.get(runId);
    return run && snapshot(run);
  }

  /** Takes a run's lease for this process: the fencing token to launch it with, or undefined when another process holds it. */
  claim(runId: string): Promise<number | undefined> {
    return this.store.acquireLease(runId, this.leaseTtlMs);
  }

  /** Gives back a lease claimed but not launched; if the store is away, it simply expires. */
  async unclaim(runId: string, fence: number): Promise<void> {
    await this.store.releaseLease(runId, fence).catch(() => undefined);
  }

  /**
   * Starts working `executions`' pending ones under the lease `fence` (from `claim`); `resumable`
   * holds the node results a resumed execution continues after.
   */
  launch(fence: number, meta: RunMeta, executions: ExecutionRecord[], users: BatchUser[], resumable = new Map<string, NodeResult[]>()): void {
    if (this.closing) return void this.unclaim(meta.id, fence); // left for the next start
    const run: ActiveRun = {
      meta,
      executions,
      users: new Map(),
      abort: new AbortController(),
      abandon: new AbortController(),
      done: Promise.resolve(),
      resumable,
      writer: new RunWriter(this.store, meta.id, fence, this.shutdown.signal),
      lost: false,
      dispatched: new Set(),
      slices: new LoopYielder(),
    };
    // Every execution in flight (up to the run's concurrency) listens for the run's cancel.
    setMaxListeners(0, run.abort.signal, run.abandon.signal);
    this.active.set(meta.id, run);
    run.heartbeat = setInterval(() => void this.renewLease(run), this.leaseTtlMs / 3);
    run.heartbeat.unref();
    run.done = this.work(run, users)
      .catch((error) => (error instanceof StaleLeaseError ? this.lose(run) : this.logger.error(`Run ${meta.id} stopped: ${(error as Error).message}`)))
      .finally(async () => {
        clearInterval(run.heartbeat);
        this.active.delete(meta.id);
        if (!run.lost) await this.unclaim(meta.id, fence);
      });
  }

  /**
   * Cancels an active run; undefined when the run is not live here. Waits until the run has stopped,
   * but no longer than a store command may take: while the store is away the cancel is in effect
   * all the same, and the run's last writes wait for the store.
   */
  async cancel(runId: string): Promise<RunSnapshot | undefined> {
    const run = this.active.get(runId);
    if (!run || !this.stop(run)) return undefined;
    // Recorded in the store too, so that the run ends cancelled even if this process dies before its last write.
    void this.store.requestCancel(runId).catch(() => undefined);
    const bound = new AbortController();
    await Promise.race([run.done, abortableDelay(toMilliseconds(this.config.settings.redis_command_timeout), bound.signal)]);
    bound.abort();
    return snapshot(run);
  }

  /** Launches a finished run again for its failed and cancelled executions, each from a clean start. */
  async retryFailed(runId: string): Promise<void> {
    // A run that has ended (or been cancelled) may still be finishing its last writes here; the retry follows them.
    const finishing = this.active.get(runId);
    if (finishing && !isLive(finishing.meta.status)) await finishing.done;
    // Claimed before the next await, so a second request meanwhile cannot launch the run twice.
    if (this.isActive(runId)) throw conflict(BatchMessages.runFinished(runId, 'running'));
    this.retrying.add(runId);
    let fence: number | undefined;
    try {
      const meta = await this.store.getRun(runId);
      if (!meta) throw notFound(BatchMessages.noRun(runId));
      // Live on another server, or on none (its server died): that run is its holder's, or recovery's.
      if (isLive(meta.status)) throw conflict(BatchMessages.runFinished(runId, meta.status));
      fence = await this.claimEnded(meta);
      // Another server works it.
      if (fence === undefined) throw conflict(BatchMessages.runFinished(runId, 'running'));
      const executions = await this.store.getExecutions(runId);
      const failed = executions.filter((e) => e.status === 'failed' || e.status === 'cancelled');
      for (const execution of failed) Object.assign(execution, { status: 'pending', attempts: 0, error: undefined, durationMs: undefined });
      await this.store.putExecutions(runId, failed, fence);
      for (const execution of failed) await this.store.clearResults(runId, execution.userId, fence);
      const users = await this.store.getUsers(failed.map((e) => e.userId));
      // Live in the store before the answer: a server asked right after must not read the run as ended.
      const relaunched: RunMeta = { ...meta, status: 'queued', finishedAt: undefined };
      await this.store.putRun(relaunched, fence);
      this.launch(fence, relaunched, executions, users.filter((u): u is BatchUser => !!u));
      fence = undefined; // the run holds it now
    } finally {
      this.retrying.delete(runId);
      if (fence !== undefined) await this.unclaim(runId, fence);
    }
  }

  /**
   * On shutdown, stops the executions running (their signals abort) and takes no more; a run left
   * unfinished resumes on the next start with Redis, and is lost with the memory store (logged).
   */
  async onApplicationShutdown(): Promise<void> {
    this.shutdown.abort();
    const runs = [...this.active.values()];
    for (const run of runs) run.abort.abort();
    // A node that is finishing gets a moment, so that its result is kept and it does not run again on resume.
    const drained = Promise.all(runs.map((run) => run.done));
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, EXECUTION_DRAIN_MS).unref())]);
    for (const run of runs) run.abandon.abort();
    await Promise.all(runs.map((run) => this.progress.track(`batch run ${run.meta.id}`, run.done)));
    for (const run of runs) {
      const executions = run.executions;
      const unfinished = executions.filter((e) => e.status === 'pending' || e.status === 'running').length;
      if (unfinished === 0) continue;
      if (this.config.settings.store === 'memory') this.logger.warn(BatchMessages.runLost(run.meta.id, unfinished, executions.length));
      else this.logger.log(BatchMessages.runLeftUnfinished(run.meta.id, unfinished));
    }
  }

  /**
   * The lease of a run that has ended, for a retry. Another server that ended it may be giving its
   * lease back just now (after its last write), so it is asked for again, up to a store command's time.
   */
  private async claimEnded(meta: RunMeta): Promise<number | undefined> {
    const deadline = Date.now() + toMilliseconds(this.config.settings.redis_command_timeout);
    for (let fresh: RunMeta | undefined = meta; ; ) {
      const fence = await this.claim(meta.id);
      // A run that is live again (retried there meanwhile) is that server's.
      if (fence !== undefined || !fresh || isLive(fresh.status) || Date.now() >= deadline || this.closing) return fence;
      await abortableDelay(LEASE_POLL_MS, this.shutdown.signal);
      fresh = await this.store.getRun(meta.id);
    }
  }

  private async work(run: ActiveRun, users: BatchUser[]): Promise<void> {
    const { meta } = run;
    meta.status = 'running'; // before the first await: a launched run reads as running at once
    meta.startedAt ??= new Date().toISOString();
    // A cancel requested while no process worked the run (its server died) ends it before anything runs.
    if (await this.store.isCancelRequested(meta.id).catch(() => false)) this.stop(run);
    run.users = await indexYielding(users, (user) => user.id, run.slices);
    if (meta.status === 'running') {
      await run.writer.putRun(meta);
      // Resumed and retried executions read their users again; one who has left the directory cannot run.
      for (const execution of run.executions) {
        if (execution.status === 'pending' && !run.users.has(execution.userId)) {
          await this.update(run, execution, { status: 'failed', error: BatchMessages.noUser(execution.userId) });
        }
      }
    }
    const queue = run.executions.filter((e) => e.status === 'pending');
    const dispatch = this.dispatcher.enabled && queue.length > 0 ? await this.dispatcher.open(meta.id) : undefined;
    const execute = dispatch ? (e: ExecutionRecord) => this.dispatched(run, dispatch, e) : (e: ExecutionRecord) => this.executeWithRetries(run, e);
    let taken = 0;
    const worker = async () => {
      for (let next = queue[taken++]; next && !run.abort.signal.aborted; next = queue[taken++]) {
        await execute(next).catch((error) => this.interrupted(run, next!, error));
      }
    };
    try {
      // Each worker but the first starts in a callback of its own (setImmediate): each first execution's request goes out
      // as soon as it is ready, not after every worker's first execution is prepared in one chain of microtasks.
      await Promise.all(Array.from({ length: Math.min(meta.concurrency, queue.length) }, (_, i) => (i === 0 ? worker() : nextTurn().then(worker))));
    } finally {
      dispatch?.close();
    }
    if (run.lost) return;
    const cancelled = (meta.status as RunStatus) === 'cancelled'; // set by cancel() meanwhile
    if (this.closing && !cancelled) return; // interrupted: left as running, resumed on the next start
    const executions = run.executions;
    if (!cancelled) meta.status = executions.every((e) => e.status === 'failed') ? 'failed' : 'completed';
    meta.finishedAt = new Date().toISOString();
    // Those handed to workers are theirs to write.
    if (cancelled) await run.writer.putExecutions(executions.filter((e) => e.status === 'cancelled' && !run.dispatched.has(e.userId)));
    await run.writer.putRun(meta);
    this.events.publishProgress(meta.id, executions);
    this.events.publishEnd(meta.id, meta.status);
  }

  /**
   * With the queue: hands the execution to the workers (at most the run's concurrency at once, as
   * inline) and follows it until one ends it. Its attempts and retries are the workers'.
   */
  private async dispatched(run: ActiveRun, dispatch: RunDispatch, execution: ExecutionRecord): Promise<void> {
    run.dispatched.add(execution.userId);
    const follow = (record: ExecutionRecord) => {
      Object.assign(execution, record);
      this.events.publishProgress(run.meta.id, run.executions);
    };
    const ended = await dispatch.dispatch(execution.userId, follow, run.abort.signal);
    if (ended) follow(ended);
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
      const attempt: ExecutionAttempt = { results, billedTokens: 0, runId: run.meta.id, executionId: execution.id };
      const carried = results.reduce((sum, result) => sum + result.tokens, 0);
      const tokens = () => ({ tokens: carried + attempt.billedTokens, billedTokens: billedTokensOf(execution) + attempt.billedTokens });
      try {
        await this.runner.execute(run.writer, run.meta.workflow, user, run.abort.signal, attempt, run.abandon.signal);
        await this.update(run, execution, { status: 'succeeded', ...tokens(), error: undefined, errorCode: undefined, durationMs: Math.round(performance.now() - started) });
        return;
      } catch (error) {
        // The store's failures are not the execution's: see interrupted().
        if (error instanceof StaleLeaseError || error instanceof StoreUnavailableError) throw error;
        const message = (error as Error)?.message ?? String(error);
        const delay = run.abort.signal.aborted ? undefined : executionRetryDelay(error, execution.attempts, this.config.settings);
        if (delay === undefined) {
          const status: ExecutionStatus = run.abort.signal.aborted && run.meta.status === 'cancelled' ? 'cancelled' : this.closing ? 'pending' : 'failed';
          const failure = status === 'failed' ? failureOf(error) : { error: undefined, errorCode: undefined };
          await this.update(run, execution, { status, ...tokens(), ...failure, durationMs: Math.round(performance.now() - started) });
          return;
        }
        await this.update(run, execution, tokens()); // billed now: a restart meanwhile would lose it
        await abortableDelay(delay, run.abort.signal);
      }
    }
    // Stopped while waiting to retry: cancelled, or pending again to resume after a restart.
    await this.update(run, execution, { status: run.meta.status === 'cancelled' ? 'cancelled' : 'pending', error: undefined, durationMs: Math.round(performance.now() - started) });
  }

  /**
   * An execution stopped by something other than its own failure, so no worker dies of it: the run
   * was taken over, the store stayed away until shutdown (the execution is resumed on the next
   * start), or a defect, which fails the execution alone.
   */
  private async interrupted(run: ActiveRun, execution: ExecutionRecord, error: unknown): Promise<void> {
    if (error instanceof StaleLeaseError) return this.lose(run);
    if (error instanceof StoreUnavailableError) {
      execution.status = run.meta.status === 'cancelled' ? 'cancelled' : 'pending';
      this.metrics.finished(execution);
      return;
    }
    const message = (error as Error)?.message ?? String(error);
    this.logger.error(`Run ${run.meta.id}, user ${execution.userId}: ${message}`);
    await this.update(run, execution, { status: 'failed', ...failureOf(error) }).catch(() => undefined);
  }

  private async renewLease(run: ActiveRun): Promise<void> {
    try {
      if (!(await this.store.renewLease(run.meta.id, run.writer.fence, this.leaseTtlMs))) return this.lose(run);
      // A cancel requested elsewhere is announced; this finds one whose announcement this process missed.
      if (isLive(run.meta.status) && (await this.store.isCancelRequested(run.meta.id))) void this.cancel(run.meta.id);
    } catch {
      // The store is away: writes wait for it, and the next beat renews the lease.
    }
  }

  /**
   * Stops a live run: its executions' signals abort, those not started are cancelled (and counted
   * here, since no worker will), and the run ends `cancelled` once its workers are done. False when
   * the run is not live (it has ended, or another process took it over).
   */
  private stop(run: ActiveRun): boolean {
    if (run.lost || !isLive(run.meta.status)) return false;
    run.meta.status = 'cancelled';
    run.abort.abort();
    run.abandon.abort();
    for (const execution of run.executions) {
      if (execution.status !== 'pending' || run.dispatched.has(execution.userId)) continue; // a worker cancels those it has
      execution.status = 'cancelled';
      this.metrics.finished(execution);
      this.events.publishExecution(run.meta.id, execution);
    }
    return true;
  }

  /** Another process has taken the run over (this one stalled past its lease): stop, writing nothing more. */
  private lose(run: ActiveRun): void {
    if (run.lost) return;
    run.lost = true;
    this.logger.warn(BatchMessages.staleLease(run.meta.id));
    run.abort.abort();
  }

  private async update(run: ActiveRun, execution: ExecutionRecord, change: Partial<ExecutionRecord>): Promise<void> {
    applyChange(execution, change);
    const turn = run.slices.yieldIfDue(); // at every change: the point each of the run's workers reaches soonest
    if (turn) await turn; // within the slice, not even a microtask's wait
    await run.writer.putExecutions([execution]);
    if (change.status) this.metrics.finished(execution);
    this.events.publishExecution(run.meta.id, execution);
    this.events.publishProgress(run.meta.id, run.executions);
  }
}

/**
 * `change` set on `execution`, a field it sets to undefined removed. One the record never had is not
 * added to be deleted: a delete other than the last field's turns the record into a slow dictionary
 * for good (every succeeded execution's was, from its `error: undefined`).
 */
function applyChange(execution: ExecutionRecord, change: Partial<ExecutionRecord>): void {
  const fields = execution as unknown as Record<string, unknown>;
  for (const key in change) {
    const value = (change as Record<string, unknown>)[key];
    if (value !== undefined) fields[key] = value;
    else if (key in fields) delete fields[key];
  }
}

function snapshot(run: ActiveRun): RunSnapshot {
  return { meta: run.meta, executions: run.executions.slice() };
}
