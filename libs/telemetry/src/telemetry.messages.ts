/** The texts of `@userscope/telemetry`'s config issues and logs. */
export const TelemetryMessages = {
  userIdKeyRequired: () =>
    'is needed to name users by an HMAC of their id (enduser.pseudo.id): set it from the environment (USERSCOPE_TELEMETRY_USER_ID_KEY, or user_id_key: ${MY_KEY}), at least 32 characters (e.g. openssl rand -hex 32); or set include_user_id: true on every exporter',
  headerValue: () => 'must be a mapping of header names to strings (a value may come from the environment: ${MY_TOKEN})',
  noExporter: () => 'must name at least one exporter, e.g. tracing: { collector: { _type: otelcollector, endpoint: http://127.0.0.1:4318/v1/traces } }',
  started: (names: string[]) => `Tracing: GenAI spans exported to ${names.join(', ')}`,
} as const;
