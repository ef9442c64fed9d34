/** The window of `requests_per_minute` and `tokens_per_minute`. */
export const RATE_WINDOW_MS = 60_000;

/** A shorter window for tests, in ms (`USERSCOPE_LLM_RATE_WINDOW_MS=2000`): the limits apply per that span. */
export const RATE_WINDOW_ENV = 'USERSCOPE_LLM_RATE_WINDOW_MS';

/** Tokens are counted in this many buckets per window: a bucket's tokens count until a window after its end. */
export const TOKEN_BUCKETS = 60;
