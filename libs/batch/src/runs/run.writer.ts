import { StoreUnavailableError } from '../exceptions/store-unavailable.exception';
import { BatchStore } from '../store/batch-store.interface';
import { ExecutionRecord, NodeResult, RunMeta } from '../store/batch-records';
import { abortableDelay } from './abortable.delay';

const FIRST_WAIT_MS = 200;
const LONGEST_WAIT_MS = 2000;

/**
 * The writes of one run's state by the process holding its lease. Each carries the lease's fencing
 * token (a stale one fails with StaleLeaseError). A write the store cannot take now is tried again
 * until it can, so an outage holds the run up instead of losing finished work or stranding it; only
 * `stop` (the process shutting down) ends the waiting, with the StoreUnavailableError.
 */
export class RunWriter {
  constructor(
    private readonly store: BatchStore,
    readonly runId: string,
    readonly fence: number,
    private readonly stop: AbortSignal,
  ) {}

  putRun(meta: RunMeta): Promise<void> {
    return this.persist(() => this.store.putRun(meta, this.fence));
  }

  putExecutions(executions: ExecutionRecord[]): Promise<void> {
    return this.persist(() => this.store.putExecutions(this.runId, executions, this.fence));
  }

  putResult(result: NodeResult): Promise<void> {
    return this.persist(() => this.store.putResult(this.runId, result, this.fence));
  }

  clearResults(userId: string): Promise<void> {
    return this.persist(() => this.store.clearResults(this.runId, userId, this.fence));
  }

  private persist(write: () => Promise<void>): Promise<void> {
    return persistThroughOutage(write, this.stop);
  }
}

/**
 * `write`, tried again while the store is away (StoreUnavailableError), waiting longer each time,
 * until it succeeds or `stop` aborts (then the store's error is thrown). Other errors are thrown at once.
 */
export function persistThroughOutage<T>(write: () => Promise<T>, stop: AbortSignal): Promise<T> {
  // The write the store takes at once (every write of a run, three an execution) costs one promise: no async frame around it.
  let first: Promise<T>;
  try {
    first = write();
  } catch (error) {
    first = Promise.reject(error);
  }
  return first.catch((error: unknown) => retryThroughOutage(write, stop, error));
}

/** After the first try failed with `error`: waits and tries again while the store is away, as `persistThroughOutage` says. */
async function retryThroughOutage<T>(write: () => Promise<T>, stop: AbortSignal, error: unknown): Promise<T> {
  for (let wait = FIRST_WAIT_MS; ; wait = Math.min(wait * 2, LONGEST_WAIT_MS)) {
    if (!(error instanceof StoreUnavailableError) || stop.aborted) throw error;
    await abortableDelay(wait, stop);
    try {
      return await write();
    } catch (next) {
      error = next;
    }
  }
}
