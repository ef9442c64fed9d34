/** The batch store (memory or Redis). */
export const BATCH_STORE = Symbol.for('userscope:batch-store');
/** The validated `batch:` settings and `batch_workflows:` of the config. */
export const BATCH_CONFIG = Symbol.for('userscope:batch-config');
/** What `llm` nodes call; provided by the LLM library when it is loaded. */
export const BATCH_LLM = Symbol.for('userscope:batch-llm');
/**
 * At shutdown, how long running executions may take to finish their current node before they are
 * abandoned; well within the 2 s shutdown margin of @userscope/http's gracefulShutdown.
 */
export const EXECUTION_DRAIN_MS = 1000;
/**
 * At shutdown, how long the Redis store waits for Redis to answer QUIT (never longer than
 * `batch.redis_command_timeout`) before it drops the connection; also within the 2 s shutdown margin.
 * QUIT is a courtesy that lets replies still due arrive: a frozen Redis answers neither.
 */
export const STORE_CLOSE_TIMEOUT_MS = 1000;
