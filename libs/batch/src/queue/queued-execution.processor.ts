import { Inject, Injectable, Logger } from '@nestjs/common';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { BatchConfig } from '../config/batch-config.reader';
import { StaleClaimError } from '../exceptions/stale-claim.exception';
import { BatchStore } from '../store/batch-store.interface';
import { ExecutionRecord, NodeResult } from '../store/batch-records';
import { QueuedExecutionStore } from '../store/queued-execution-store.interface';
import { BatchMetrics } from '../runs/batch.metrics';
import { ExecutionAttempt, ExecutionRunner } from '../runs/execution.runner';
import { executionRetryDelay } from '../runs/execution-retry.policy';
import { billedTokensOf } from '../runs/run.view';
import { ExecutionJobData } from './execution-job';
import { hasEnded } from './queued-run.dispatcher';
import { persistThroughOutage } from '../runs/run.writer';
import { failureOf } from '../runs/execution.failure';

/** A signal that never aborts: a job without one waits out an outage as long as it lasts. */
const NEVER = new AbortController().signal;

/** A failed attempt to be tried again by BullMQ, after `delayMs` (the execution's retry policy: backoff, Retry-After). */
export class RetryExecutionLater extends Error {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super(message);
    this.name = 'RetryExecutionLater';
  }
}

/**
 * Works one job of a queued run: one attempt of a user's execution, as that user. It claims the
 * execution first, so that a worker which froze past its job's lock cannot write over the one
 * that took the job over, and leaves an execution that has ended alone (a late duplicate). A
 * failure to retry is thrown back to BullMQ (`RetryExecutionLater`), which queues the next attempt.
 * A cancel of the run, heard from any process, aborts what runs here.
 */
@Injectable()
export class QueuedExecutionProcessor {
  private readonly logger = new Logger('BatchWorker');
  /** What runs here, by run: aborted when the run is cancelled. */
  private readonly running = new Map<string, Set<AbortController>>();

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly runner: ExecutionRunner,
    private readonly metrics: BatchMetrics,
  ) {}

  private get queued(): QueuedExecutionStore {
    return this.store as BatchStore & QueuedExecutionStore;
  }

  /** Hears cancels from every process on the store: the executions of a cancelled run that run here abort. */
  listenForCancels(): Promise<void> {
    return this.store.onCancelRequested((runId) => {
      for (const abort of this.running.get(runId) ?? []) abort.abort();
    });
  }

  /** How many executions run here now. */
  get active(): number {
    let count = 0;
    for (const set of this.running.values()) count += set.size;
    return count;
  }

  async process({ runId, userId }: ExecutionJobData, stop?: AbortSignal): Promise<void> {
    // One round trip for what the job needs: it is a round trip per job, and the workers' CPU goes on them.
    const { run: meta, claim } = await this.queued.openClaim(runId, userId);
    if (!meta || !claim) return; // deleted, or ended by another path meanwhile
    const { token, execution, user } = claim;
    if (!execution || hasEnded(execution.status)) return; // a duplicate of a job that ended it already
    // Writes wait out an outage of the store, until this worker stops.
    const write = (change: Partial<ExecutionRecord>) => this.write(runId, execution, change, token, stop);
    if (meta.status === 'cancelled' || claim.cancelRequested) return void (await write({ status: 'cancelled' }));
    if (!user) return void (await write({ status: 'failed', error: BatchMessages.noUser(userId) }));

    const abort = new AbortController();
    const mine = this.running.get(runId) ?? new Set<AbortController>();
    this.running.set(runId, mine.add(abort));
    const onStop = () => abort.abort();
    stop?.addEventListener('abort', onStop, { once: true });
    const started = performance.now();
    // A retry continues after the nodes earlier attempts completed, on whichever worker they ran.
    const results: NodeResult[] = claim.results;
    const attempt: ExecutionAttempt = { results, billedTokens: 0, runId, executionId: execution.id };
    const carried = results.reduce((sum, result) => sum + result.tokens, 0);
    const billedBefore = billedTokensOf(execution);
    const tokens = () => ({ tokens: carried + attempt.billedTokens, billedTokens: billedBefore + attempt.billedTokens });
    const duration = () => ({ durationMs: Math.round(performance.now() - started) });
    try {
      await write({ status: 'running', attempts: execution.attempts + 1 });
      // A result is kept through an outage of the store, so its node is not called again.
      const writer = { runId, putResult: (result: NodeResult) => persistThroughOutage(() => this.queued.putClaimedResult(runId, result, token), abort.signal) };
      await this.runner.execute(writer, meta.workflow, user, abort.signal, attempt, abort.signal);
      await write({ status: 'succeeded', ...tokens(), error: undefined, ...duration() });
    } catch (error) {
      if (error instanceof StaleClaimError) return this.logger.warn(error.message);
      const message = (error as Error)?.message ?? String(error);
      const cancelled = abort.signal.aborted && (await this.store.isCancelRequested(runId).catch(() => false));
      const delay = cancelled || stop?.aborted ? undefined : executionRetryDelay(error, execution.attempts, this.config.settings);
      if (stop?.aborted && !cancelled) {
        // This worker is shutting down: the execution waits for another one, its billed tokens kept.
        await write({ status: 'pending', ...tokens() });
        throw new RetryExecutionLater(message, 0);
      }
      if (delay === undefined) {
        await write({ status: cancelled ? 'cancelled' : 'failed', ...tokens(), ...(cancelled ? {} : failureOf(error)), ...duration() });
        return;
      }
      await write({ status: 'pending', ...tokens() }); // billed now: a worker dying meanwhile would lose it
      throw new RetryExecutionLater(message, delay);
    } finally {
      stop?.removeEventListener('abort', onStop);
      mine.delete(abort);
      if (mine.size === 0) this.running.delete(runId);
    }
  }

  /** Writes a change of the execution under the claim; counts it in this process's metrics once it has ended. */
  private async write(runId: string, execution: ExecutionRecord, change: Partial<ExecutionRecord>, token: number, stop = NEVER): Promise<void> {
    Object.assign(execution, change);
    for (const key of Object.keys(change) as (keyof ExecutionRecord)[]) if (execution[key] === undefined) delete execution[key];
    const written = await persistThroughOutage(() => this.queued.putClaimedExecution(runId, execution, token), stop);
    if (written && hasEnded(execution.status)) this.metrics.finished(execution);
  }
}
