/** The BullMQ queue of batch executions (under `<batch.key_prefix>bull`). */
export const EXECUTION_QUEUE = 'executions';

/** What a job says: which user's execution of which run. The rest is in the batch store. */
export interface ExecutionJobData {
  runId: string;
  userId: string;
}

/**
 * A job's id, the same whenever the execution is queued, so that queueing it again while its job
 * waits or runs adds nothing. `<runId>-<userId>` rather than `<runId>:<userId>`: BullMQ refuses ids
 * with a colon (Redis key separator). A run id has no '-', and the user id is URL-encoded, so no
 * user id, however odd, can make two executions' ids collide or contain a colon.
 */
export function executionJobId(runId: string, userId: string): string {
  return `${runId}-${encodeURIComponent(userId)}`;
}

/** The BullMQ prefix of a store's key prefix: its jobs live beside its runs, and go with them in cleanup. */
export function bullPrefix(keyPrefix: string): string {
  return `${keyPrefix}bull`;
}
