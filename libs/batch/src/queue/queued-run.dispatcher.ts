import { Inject, Injectable, Logger } from '@nestjs/common';
import { BATCH_STORE, EXECUTION_DRAIN_MS } from '../batch.constants';
import { StoreUnavailableError } from '../exceptions/store-unavailable.exception';
import { abortableDelay } from '../runs/abortable.delay';
import { BatchStore } from '../store/batch-store.interface';
import { ExecutionRecord, ExecutionStatus } from '../store/batch-records';
import { QueuedExecutionStore } from '../store/queued-execution-store.interface';
import { ExecutionQueue } from './execution.queue';

/** How often a coordinator looks in the store at the executions it waits for: events can be missed. */
const RECONCILE_MS = 1000;
/**
 * How long an execution waits before its coordinator also asks whether its job still exists (a job
 * whose worker gave up on it): a job is lost rarely, and asking for each one every second costs
 * the coordinator more CPU than the run's own events.
 */
const JOB_CHECK_AFTER_MS = 10_000;

/** An execution whose job is queued, and what its coordinator does when it changes. */
interface Waiter {
  onChange(record: ExecutionRecord): void;
  done(record: ExecutionRecord | undefined): void;
  /** When its job was last seen (queued, or found in the queue). */
  seenAt: number;
}

/** One run's jobs as its coordinator sees them: dispatch an execution, wait until a worker ends it. */
export interface RunDispatch {
  /**
   * Queues the user's execution and resolves with its record once a worker has ended it, or
   * undefined when it has not a moment after `signal` aborts. `onChange` sees every change a worker makes.
   */
  dispatch(userId: string, onChange: (record: ExecutionRecord) => void, signal: AbortSignal): Promise<ExecutionRecord | undefined>;
  close(): void;
}

export function hasEnded(status: ExecutionStatus | undefined): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled';
}

/**
 * The coordinator's side of queued runs (`batch.queue: bullmq`). The process holding a run's lease
 * keeps at most the run's concurrency of its executions in the queue: it queues one as another
 * ends. So the run's concurrency holds across every worker, and a run started later is not stuck
 * behind a big one's jobs: each run has at most its concurrency queued at a time. It hears of
 * executions ending from the run's events, and looks in the store every second for one whose
 * event it missed, or whose job was lost (it queues that again: the job id makes it once).
 */
@Injectable()
export class QueuedRunDispatcher {
  private readonly logger = new Logger('BatchRuns');

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    private readonly queue: ExecutionQueue,
  ) {}

  /** Queues the execution, waiting out an outage of the Redis (as the run's writes do) until `signal` aborts. */
  private async addUntilQueued(runId: string, userId: string, signal: AbortSignal): Promise<void> {
    for (let wait = 200; ; wait = Math.min(wait * 2, 2000)) {
      try {
        return await this.queue.add(runId, userId);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || signal.aborted) throw error;
        await abortableDelay(wait, signal);
      }
    }
  }

  get enabled(): boolean {
    return this.queue.enabled;
  }

  async open(runId: string): Promise<RunDispatch> {
    const store = this.store as BatchStore & QueuedExecutionStore;
    const waiting = new Map<string, Waiter>();
    const unfollow = await store.followRunEvents(runId, (event) => {
      if (event.type !== 'execution') return;
      const waiter = waiting.get(event.data.userId);
      if (!waiter) return;
      waiter.seenAt = Date.now(); // a worker has it
      waiter.onChange(event.data);
      if (hasEnded(event.data.status)) waiter.done(event.data);
    });
    let reconciling = false;
    const reconcile = async () => {
      if (reconciling || waiting.size === 0) return;
      reconciling = true;
      try {
        const userIds = [...waiting.keys()];
        const statuses = await store.getExecutionStatuses(runId, userIds);
        for (const [i, userId] of userIds.entries()) {
          const waiter = waiting.get(userId);
          if (!waiter) continue;
          if (hasEnded(statuses[i])) waiter.done(await store.getExecution(runId, userId));
          else if (Date.now() - waiter.seenAt >= JOB_CHECK_AFTER_MS) {
            waiter.seenAt = Date.now();
            // Its job ended without ending it (a worker gave up on it): queue it again.
            if (!(await this.queue.has(runId, userId)) && !hasEnded((await store.getExecutionStatuses(runId, [userId]))[0])) await this.queue.add(runId, userId);
          }
        }
      } catch (error) {
        this.logger.warn(`Run ${runId}: looking at its queued executions failed (${(error as Error).message}); trying again`);
      } finally {
        reconciling = false;
      }
    };
    const timer = setInterval(() => void reconcile(), RECONCILE_MS);
    timer.unref();
    return {
      dispatch: (userId, onChange, signal) =>
        new Promise<ExecutionRecord | undefined>((resolve, reject) => {
          const finish = (record: ExecutionRecord | undefined) => {
            if (waiting.get(userId) !== waiter) return;
            waiting.delete(userId);
            signal.removeEventListener('abort', abandon);
            resolve(record);
          };
          const waiter: Waiter = { onChange, done: finish, seenAt: Date.now() };
          // A cancel reaches the worker at once; its last write is waited for a moment, so the run ends with it.
          const abandon = () => setTimeout(() => finish(undefined), EXECUTION_DRAIN_MS).unref();
          if (signal.aborted) return resolve(undefined);
          waiting.set(userId, waiter);
          signal.addEventListener('abort', abandon, { once: true });
          this.addUntilQueued(runId, userId, signal).catch((error: unknown) => {
            waiting.delete(userId);
            signal.removeEventListener('abort', abandon);
            reject(error);
          });
        }),
      close: () => {
        clearInterval(timer);
        unfollow();
        for (const waiter of waiting.values()) waiter.done(undefined);
      },
    };
  }
}
