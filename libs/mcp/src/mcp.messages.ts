/** Texts of the errors and warnings the MCP client library gives. */
export const McpMessages = {
  serverUnreachable: (group: string, reason: string) => `MCP server of group '${group}' cannot be reached: ${reason}`,
  toolCallFailed: (group: string, tool: string, reason: string) => `MCP tool '${tool}' of group '${group}' failed: ${reason}`,
  toolNotFound: (group: string, tool: string, known: string[]) =>
    `MCP group '${group}' has no function '${tool}' (its server offers: ${known.join(', ') || 'none'})`,
  toolTimedOut: (group: string, tool: string, seconds: number) =>
    `MCP tool '${tool}' of group '${group}' did not answer within tool_call_timeout (${seconds}s)`,
  unknownTemplate: (template: string) => `unknown template '{{${template}}}' (in headers or server.env): use {{secret:<name>}}, {{identity:user_id}} or {{identity:claims.<claim>}}`,
  missingSecret: (userId: string, name: string) =>
    `user '${userId}' has no secret '${name}'; set it with PUT /me/secrets/${name} or PUT /api/users/${userId}/secrets/${name} (admin)`,
  missingClaim: (userId: string, claim: string) =>
    `no verified claim '${claim}' for user '${userId}': {{identity:claims.*}} needs general.identity.mode jwt and a request of the user carrying it`,
  sharedTakesNoTemplates: () => "mcp_client takes no templates ({{...}}): it has no per-user credentials; use per_user_mcp_client for them",
  unsendableValue: (into: 'header' | 'env', key: string, userId: string) =>
    `the ${into === 'header' ? 'header' : 'environment variable'} '${key}' for user '${userId}' would hold ${into === 'header' ? 'a line break or a NUL' : 'a NUL'} once its templates are filled in: check the user's secrets and claims (the value is not shown)`,
  badToolOverride: () => 'a tool override is a mapping of alias (the function name) and description, nothing else',
  badAlias: (pattern: string) => `an alias must match ${pattern}`,
  aliasTaken: (alias: string, tool: string) => `alias '${alias}' is already the alias of tool '${tool}': each function needs its own name`,
  sessionLimit: (group: string, max: number) => `MCP group '${group}' has max_sessions (${max}) sessions in use; try again later`,
  secretsKeyUnset: (env: string) =>
    `per-user secrets need an encryption key: set ${env} to 32 random bytes, base64 or hex (e.g. openssl rand -base64 32)`,
  secretsKeyInvalid: (env: string) => `${env} must be 32 bytes, base64 (44 characters) or hex (64 characters)`,
  secretsUsedWithoutKey: (env: string, paths: string[]) =>
    `${paths.join(', ')} use {{secret:...}}, but ${env} is not set: set it to 32 random bytes, base64 or hex (e.g. openssl rand -base64 32)`,
  badSecretName: (pattern: string) => `a secret name must match ${pattern}`,
  badSecretValue: (max: number) => `the body must be a JSON object {"value": "<secret>"}, the value a non-empty string of at most ${max} characters, without NUL characters`,
  secretLimit: (userId: string, max: number) =>
    `user '${userId}' has general.secrets.max_per_user (${max}) secrets: delete one (DELETE .../secrets/{name}) or raise the limit`,
  secretUndecryptable: (userId: string, name: string, env: string) =>
    `user '${userId}''s secret '${name}' does not decrypt under the current ${env} (was the key changed?): set the secret again`,
  noSuchSecret: (userId: string, name: string) => `user '${userId}' has no secret '${name}'`,
  secretStoreUnavailable: (reason: string) => `the secret store (Redis) is unavailable: ${reason}`,
  meNeedsVerifiedIdentity: (mode: string) =>
    `PUT /me/secrets needs a verified identity (general.identity.mode jwt, api_key, signed_cookie or header), not '${mode}'; an admin can use PUT /api/users/{id}/secrets/{name}`,
  identityUnverified: (path: string, mode: string) =>
    `${path} uses {{identity:...}} in headers, but general.identity.mode '${mode}' does not verify who the caller is: anyone can claim any user id, and so the header's value`,
} as const;
