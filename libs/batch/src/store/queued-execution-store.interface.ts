import type { RunEvent } from '../api/runs.types';
import { BatchUser, ExecutionRecord, ExecutionStatus, NodeResult, RunMeta } from './batch-records';

/**
 * What queued executions (`batch.queue: bullmq`) need of the store besides `BatchStore`: writes
 * fenced per execution instead of per run, since a run's executions are worked by many processes
 * at once, and the run's events carried between processes. Only the Redis store has them.
 *
 * A worker claims an execution before it works it; the claim issues a token newer than any before
 * for that execution. A write with an older token fails with `StaleClaimError` (a worker that froze
 * past its job's lock, whose job another worker took), and a write to an execution that has ended
 * writes nothing: so a late duplicate never overwrites or counts twice.
 */
/** What a worker starts a job from (`openClaim`): the run, and its claim unless the run is gone or has ended. */
export interface OpenedClaim {
  run?: RunMeta;
  /** Absent when the run is deleted, or has ended other than by a cancel: nothing was claimed. */
  claim?: {
    token: number;
    execution?: ExecutionRecord;
    cancelRequested: boolean;
    user?: BatchUser;
    /** The user's stored node results, in the workflow's order. */
    results: NodeResult[];
  };
}

export interface QueuedExecutionStore {
  /**
   * In one round trip: the run, and while it is live or cancelled a new claim of the user's
   * execution with what working it needs (the execution, whether a cancel is requested, the user,
   * the results of the workflow's nodes that earlier attempts stored).
   */
  openClaim(runId: string, userId: string): Promise<OpenedClaim>;
  getExecution(runId: string, userId: string): Promise<ExecutionRecord | undefined>;
  /** The executions' statuses, in the order of `userIds` (undefined for one not stored). */
  getExecutionStatuses(runId: string, userIds: string[]): Promise<(ExecutionStatus | undefined)[]>;
  /** Writes the execution under its claim and announces it (an `execution` event); false when it had ended already. */
  putClaimedExecution(runId: string, execution: ExecutionRecord, token: number): Promise<boolean>;
  putClaimedResult(runId: string, result: NodeResult, token: number): Promise<void>;

  /** Announces an event of a run to every process following it. */
  publishRunEvent(runId: string, event: RunEvent): Promise<void>;
  /** Follows a run's events from every process; resolves to the function that stops following. */
  followRunEvents(runId: string, listener: (event: RunEvent) => void): Promise<() => void>;
}

/** Whether `store` can hold queued executions. */
export function isQueuedExecutionStore(store: object): store is QueuedExecutionStore {
  return typeof (store as Partial<QueuedExecutionStore>).openClaim === 'function';
}
