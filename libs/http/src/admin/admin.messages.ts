/** Error texts of the operator routes. */
export const AdminMessages = {
  loopbackOnly: (env: string) =>
    `Admin routes answer loopback clients only while no admin token is set; set general.admin_token (or ${env}) and send Authorization: Bearer <token>.`,
  tokenRequired: () => 'Admin routes need Authorization: Bearer <admin token>.',
  tokenWrong: () => 'The admin token is not valid.',
  monitoringDisabled: () => 'Per-user monitoring is disabled; set general.enable_per_user_monitoring: true to serve /monitor/users.',
  badScope: (scope: string, scopes: readonly string[]) => `scope must be one of: ${scopes.join(', ')} (got '${scope}').`,
  noSuchUser: (userId: string) => `No active session for user '${userId}'.`,
} as const;
