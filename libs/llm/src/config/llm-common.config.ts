import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsOptional, ValidateNested } from 'class-validator';
import { LlmRateLimitConfig } from './llm-rate-limit.config';
import { LlmPriceConfig } from './llm-price.config';

/** The keys every LLM `_type` takes; each type's config class extends it. */
export class LlmCommonConfig {
  /** Cluster-wide limits of this LLM's calls; none when absent. */
  @IsOptional()
  @ValidateNested({ message: 'rate_limit must be a mapping, e.g. rate_limit: { requests_per_minute: 60 }' })
  @Type(() => LlmRateLimitConfig)
  rate_limit?: LlmRateLimitConfig;

  /** What its tokens cost; calls are priced in the usage records and budgets when set. */
  @IsOptional()
  @ValidateNested({ message: 'price must be a mapping, e.g. price: { input_per_million: 0.15, output_per_million: 0.6, currency: USD }' })
  @Type(() => LlmPriceConfig)
  price?: LlmPriceConfig;
}
