import { BatchMessages } from '../batch.messages';

/**
 * A write of an execution with a claim older than the execution's newest: the worker froze past
 * its job's lock and another worker took the job over, so this one must stop working it.
 */
export class StaleClaimError extends Error {
  readonly code = 'stale_claim';

  constructor(
    readonly runId: string,
    readonly userId: string,
  ) {
    super(BatchMessages.staleClaim(runId, userId));
    this.name = 'StaleClaimError';
  }
}
