/** Users whose forwards are counted at most; past it the counts start over (a bound, not a cache to tune). */
const MAX_COUNTED_USERS = 100_000;

/**
 * The forwarding side of a rebalance: counts, per user, the requests this replica forwarded to
 * the user's owner, and says when to ask the owner to hand the user over. A user the proxy keeps
 * sending here (their hash points here since a replica was added) thus comes here; one forwarded
 * now and then (a client that talks to a replica directly) is left where they are.
 */
export class HandoverRequests {
  private readonly forwarded = new Map<string, number>();

  /**
   * @param after forwards of one user before asking (0: never)
   * @param allowed whether handovers may happen at all now (durable state, not draining)
   */
  constructor(
    private readonly after: number,
    private readonly allowed: () => boolean,
  ) {}

  /** Counts one forwarded request of `userId`: true when it is to ask the owner for the user. */
  countForward(userId: string): boolean {
    if (this.after === 0 || !this.allowed()) return false;
    const count = (this.forwarded.get(userId) ?? 0) + 1;
    if (count >= this.after) {
      this.forwarded.delete(userId); // asked: should the owner decline, ask again after as many more
      return true;
    }
    if (this.forwarded.size >= MAX_COUNTED_USERS) this.forwarded.clear();
    this.forwarded.set(userId, count);
    return false;
  }
}
