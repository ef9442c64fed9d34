/** The texts of durable per-user state's errors, in one place. */
export const SessionStateMessages = {
  stateTooLarge: (userId: string, key: string, bytes: number, limit: number) =>
    `The state ${describeKey(key)} saves for user '${userId}' is ${bytes} bytes as JSON, over general.session_state_max_bytes (${limit}); ` +
    "the call's changes were not saved and the user's instances are rebuilt from their last saved state. Keep less per user, or raise the limit.",
  storeUnavailable: (redisUrl: string, action: string, cause: string) =>
    `The session state store (Redis at ${redisUrl}, general.session_state: redis) did not answer while ${action} (${cause}). Nothing is half-written (a write is all or nothing), but this call's changes are not acknowledged; retry shortly.`,
  unreadableState: (userId: string, key: string) =>
    `The saved state ${describeKey(key)} of user '${userId}' is not JSON; it was skipped (the function starts fresh and its next save replaces it).`,
} as const;

/** A provider key (the runtime's DI token of a function or group) as a reader knows it. */
function describeKey(key: string): string {
  const match = /^userscope:function(-group)?:(.*)$/.exec(key);
  if (!match) return `of '${key}'`;
  if (match[2] === '<workflow>') return 'of the workflow';
  return `of ${match[1] ? 'function group' : 'function'} '${match[2]}'`;
}
