/** Error texts of the operator routes. */
export const AdminMessages = {
  loopbackOnly: (env: string) =>
    `Admin routes answer loopback clients only while no admin token is set; set general.admin_token (or ${env}) and send Authorization: Bearer <token>.`,
  relayedByProxy: (header: string, env: string) =>
    `Admin routes answer loopback clients only while no admin token is set, and this request was relayed by a proxy (${header}), ` +
    `for a client that may be anywhere; set general.admin_token (or ${env}) and send Authorization: Bearer <token>.`,
  tokenRequired: () => 'Admin routes need Authorization: Bearer <admin token>.',
  tokenWrong: () => 'The admin token is not valid.',
  monitoringDisabled: () => 'Per-user monitoring is disabled; set general.enable_per_user_monitoring: true to serve /monitor/users.',
  badScope: (scope: string, scopes: readonly string[]) => `scope must be one of: ${scopes.join(', ')} (got '${scope}').`,
  noSuchUser: (userId: string) => `No active session for user '${userId}'.`,
  stateNotKept: () =>
    "general.session_state is 'memory': no user's state is saved, and a returning user starts fresh. Set general.session_state: redis (with general.cluster) to keep it.",
  noSavedState: (userId: string) =>
    `No saved state for user '${userId}': never saved, purged, or expired general.session_state_ttl after their last activity.`,
  badPurgeFlag: (value: string) => `purge must be true or false (got '${value}').`,
} as const;
