/**
 * A process's claim on one user: while it holds it, that user's per-user instances may live here and
 * nowhere else. `token` grows with every new claim of the user (a fencing token), so a write made
 * under an older claim can be refused.
 */
export interface UserLease {
  readonly userId: string;
  readonly token: number;
}

/**
 * Why a claim was lost: another process holds the user now (`taken`), or the claim could not be
 * renewed for its whole term (`unconfirmed`: the store did not answer), so another may hold it.
 */
export type LeaseLossCause = 'taken' | 'unconfirmed';

/**
 * Who may hold a user's instances. The default grants every claim (one process owns all its users);
 * cluster mode grants a user to one replica at a time.
 */
export interface UserOwnership {
  /**
   * Claims `userId` for this process before the user's instances are built. Throws
   * `UserOwnedElsewhereError` when another live process holds the user. `onLost` is called if the
   * claim is later lost (expired while this process was paused, say): the instances must go. Its
   * cause, when the ownership knows it, picks the log line (none: `taken`).
   */
  claim(userId: string, onLost: (cause?: LeaseLossCause) => void): Promise<UserLease>;
  /** Gives the user up, after their instances were disposed. Never throws. */
  release(lease: UserLease): Promise<void>;
  /**
   * Before a call runs on the user's built instances: undefined while the claim is known to hold
   * (every call's path, nothing awaited); otherwise, as after a pause past the lease, a check with
   * the store that rejects with `LeaseLostError` (after `onLost`) when the claim is gone, so a stale
   * process never answers from old instances, not even a call that changes nothing. Optional: a
   * claim that never lapses needs none.
   */
  verify?(lease: UserLease): Promise<void> | undefined;
}

/** One process owns all its users: every claim is granted, nothing is shared. */
export const LOCAL_OWNERSHIP: UserOwnership = {
  claim: async (userId) => ({ userId, token: 0 }),
  release: async () => undefined,
};
