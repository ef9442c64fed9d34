import { BatchMessages } from '../batch.messages';

/**
 * A write of a run's state with a fencing token older than the run's newest: another process took
 * the run over (its lease had expired), so this one must stop working it.
 */
export class StaleLeaseError extends Error {
  readonly code = 'stale_lease';

  constructor(readonly runId: string) {
    super(BatchMessages.staleLease(runId));
    this.name = 'StaleLeaseError';
  }
}
