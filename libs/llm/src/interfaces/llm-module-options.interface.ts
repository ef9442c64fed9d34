/** What `LlmModule.forRoot()` takes besides a loaded `UserscopeConfig`: the `llms:` section alone. */
export interface LlmModuleOptions {
  /** The `llms:` section as read from the file. */
  llms?: Record<string, unknown>;
  /** The config file, for messages. */
  file?: string;
}

/**
 * The Redis where the LLMs' `rate_limit`s are kept, so that every process on it shares them: the
 * app's own (`general.cluster.redis_url`, else `batch.redis_url` with `batch.store: redis`).
 * Without one, each process keeps its limits in memory.
 */
export interface LlmRateLimitRedisOptions {
  url: string;
  /** Prefix of the limits' keys (`<prefix>llm-rate:<llm>:…`). */
  keyPrefix: string;
  /** A command unanswered this long fails the call waiting on it (503). */
  commandTimeoutMs: number;
  /** The setting that names this Redis, for messages, e.g. `batch.redis_url`. */
  setting: string;
}
