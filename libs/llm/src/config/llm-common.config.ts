import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { LlmRateLimitConfig } from './llm-rate-limit.config';

/** The keys every LLM `_type` takes; each type's config class extends it. */
export class LlmCommonConfig {
  /** Cluster-wide limits of this LLM's calls; none when absent. */
  @IsOptional()
  @ValidateNested({ message: 'rate_limit must be a mapping, e.g. rate_limit: { requests_per_minute: 60 }' })
  @Type(() => LlmRateLimitConfig)
  rate_limit?: LlmRateLimitConfig;
}
