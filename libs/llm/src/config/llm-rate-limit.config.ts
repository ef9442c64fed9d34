import { IsInt, IsOptional, Min } from 'class-validator';

/**
 * `llms.<name>.rate_limit`: how much of the LLM all processes on one Redis (or this process alone)
 * may use. A call over the limit waits for the window to allow it.
 */
export class LlmRateLimitConfig {
  /** Calls that may start in any 60 s. */
  @IsOptional()
  @IsInt({ message: 'must be a whole number of calls, e.g. requests_per_minute: 60' })
  @Min(1)
  requests_per_minute?: number;

  /** Tokens (prompt and completion) the calls of the last 60 s may have used before another starts. */
  @IsOptional()
  @IsInt({ message: 'must be a whole number of tokens, e.g. tokens_per_minute: 100000' })
  @Min(1)
  tokens_per_minute?: number;
}
