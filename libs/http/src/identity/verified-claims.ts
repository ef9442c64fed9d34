/**
 * The claims of each user's last verified credential (jwt mode), as identity verification recorded
 * them: what `{{identity:claims.X}}` of an MCP header reads. A claim a caller merely sent, unverified,
 * is never here. At most `limit` users are kept (`general.max_sessions`), the least recently seen dropped.
 */
export class VerifiedClaims {
  private readonly byUser = new Map<string, Readonly<Record<string, unknown>>>();

  constructor(private readonly limit: number) {}

  record(userId: string, claims: Record<string, unknown>): void {
    // Re-inserted, so that the Map's order is the order users were last seen in.
    this.byUser.delete(userId);
    this.byUser.set(userId, Object.freeze({ ...claims }));
    if (this.byUser.size > this.limit) this.byUser.delete(this.byUser.keys().next().value!);
  }

  of(userId: string): Readonly<Record<string, unknown>> | undefined {
    return this.byUser.get(userId);
  }

  /** Whether there were claims of `userId` to forget. */
  forget(userId: string): boolean {
    return this.byUser.delete(userId);
  }
}
