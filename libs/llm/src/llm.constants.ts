/** Metadata key marking config fields that name a configured LLM (`llm_name`). */
export const LLM_REFERENCES_METADATA = 'userscope:llm-references';

/** The validated `llms:` section (`ResolvedLlmConfig[]`). */
export const LLM_CONFIGS = Symbol.for('userscope:llm-configs');

/** The Redis connection the LLMs' rate limits share (`Redis`), or null when they are kept in memory. */
export const LLM_RATE_LIMIT_REDIS = Symbol.for('userscope:llm-rate-limit-redis');

/** The DI token of the configured LLM `name` (what `@InjectLlm(name)` gets). */
export function llmToken(name: string): string {
  return `userscope:llm:${name}`;
}
