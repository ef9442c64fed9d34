/** Every text of the LLM library a user can meet, in one place. API keys never appear in any of them. */
export const LlmMessages = {
  // Config, reported at startup with their key paths.
  unknownType: (type: string, known: string[]) => `unknown LLM _type '${type}'. Known LLM types: ${known.join(', ')}.`,
  missingType: (known: string[]) => `'_type' is required: it names the kind of LLM (${known.join(', ')}).`,
  notAMapping: () => 'must be a mapping with a _type key, e.g. _type: openai',
  badName: () => 'LLM names may use letters, digits, _ - . only',
  apiKeyRequired: () =>
    'api_key is required: read it from the environment, e.g. api_key: ${OPENAI_API_KEY} (a server that needs no key takes any value, e.g. api_key: none)',
  unknownReference: (llm: string, known: string[]) =>
    `refers to LLM '${llm}', which is not configured (configured LLMs: ${known.join(', ') || 'none'})`,
  trackingRequired: () =>
    "cannot be false while llms: are configured: each LLM call's tokens are counted for the user whose request made it, which needs currentSession(). Remove the setting (it is on with LLMs)",

  // Calls.
  notConfigured: (name: string, known: string[]) =>
    `No LLM named '${name}' is configured. Configured LLMs: ${known.join(', ') || '(none)'}; add it to the llms: section.`,
  authentication: (llm: string, status: number, server: string) =>
    `LLM '${llm}' was refused by its server (HTTP ${status}): ${server}. Check llms.${llm}.api_key (e.g. api_key: \${OPENAI_API_KEY}).`,
  modelNotFound: (llm: string, model: string, baseUrl: string, server: string) =>
    `LLM '${llm}': the server at ${baseUrl} does not know model '${model}' (HTTP 404): ${server}. Check llms.${llm}.model_name and llms.${llm}.base_url.`,
  rateLimited: (llm: string, server: string) => `LLM '${llm}' is rate limited (HTTP 429): ${server}`,
  serverError: (llm: string, status: number, server: string) => `LLM '${llm}' failed on its server (HTTP ${status}): ${server}`,
  rejected: (llm: string, status: number, server: string) => `LLM '${llm}' rejected the request (HTTP ${status}): ${server}`,
  timeout: (llm: string, seconds: number) =>
    `LLM '${llm}' did not answer within ${seconds}s (llms.${llm}.timeout).`,
  unreachable: (llm: string, baseUrl: string, reason: string) => `LLM '${llm}' could not reach ${baseUrl}: ${reason}`,
  badReply: (llm: string, reason: string) => `LLM '${llm}' sent a reply that could not be read: ${reason}`,
  gaveUp: (attempts: number) => ` (gave up after ${attempts} attempts)`,
  retryAfterTooLong: (llm: string, seconds: number) =>
    ` (not retried: the server asked to wait ${seconds}s, longer than llms.${llm}.retry_max_delay)`,

  // Rate limits.
  rateLimitEmpty: () => 'must set requests_per_minute or tokens_per_minute (or leave rate_limit out)',
  rateLimitUnavailable: (llm: string, store: string, reason: string) =>
    `LLM '${llm}' was not called: its rate limit is kept in ${store}, which does not answer (${reason}). Retry shortly.`,
  rateTokensNotCounted: (llm: string, tokens: number, store: string, reason: string) =>
    `LLM '${llm}': ${tokens} tokens of a finished call were not counted in its rate limit, kept in ${store}, which does not answer (${reason})`,
  rateStoreAway: (store: string, reason: string) =>
    `The LLMs' rate limits are kept in ${store}, which does not answer (${reason}); calls of rate-limited LLMs fail with 503 until it does`,
  rateStoreDown: (setting: string, url: string, llms: string[], reason: string) =>
    `${setting}: Redis at ${url}, where the rate limits of ${llms.map((llm) => `llms.${llm}`).join(', ')} are kept, does not answer: ${reason}`,
  badRateWindow: (env: string, value: string) => `${env} must be a positive whole number of ms (a test's rate window), not '${value}'`,

  // Structured output.
  structuredInstruction: (schema: string) =>
    `Reply with a single JSON value that matches this JSON schema, and nothing else: no prose, no code fences.\nSchema: ${schema}`,
  structuredCorrection: (problems: string) =>
    `Your reply was not valid: ${problems}. Reply again with only the JSON value that matches the schema.`,
  structuredNotJson: (reason: string) => `it is not JSON (${reason})`,
  structuredFailed: (llm: string, problems: string) =>
    `LLM '${llm}' did not reply with JSON matching the schema, also after one retry: ${problems}`,
} as const;
