import { UserOwnedElsewhereError } from '@userscope/runtime';

/**
 * `UserOwnedElsewhereError` with what forwarding needs: where the owner takes requests (from its
 * lease), and how long its lease still runs, which is the Retry-After when it cannot be reached.
 */
export class UserLeasedElsewhereError extends UserOwnedElsewhereError {
  constructor(
    userId: string,
    ownerReplica: string,
    /** The owner's advertise URL; undefined when it does not listen. */
    readonly ownerUrl: string | undefined,
    /** How long the owner's lease still runs (ms), as Redis said. */
    readonly leaseRemainingMs: number,
  ) {
    super(userId, ownerReplica);
    // Until the owner's lease runs out nobody else may serve the user; after it, the next request will.
    this.headers['retry-after'] = String(Math.max(1, Math.ceil(leaseRemainingMs / 1000)));
  }
}
