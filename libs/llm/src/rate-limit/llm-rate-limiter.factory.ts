import type Redis from 'ioredis';
import { LlmRateLimitConfig } from '../config/llm-rate-limit.config';
import { LlmRateLimitRedisOptions } from '../interfaces/llm-module-options.interface';
import { LlmMessages } from '../llm.messages';
import { LlmRateLimiter } from './llm-rate.limiter';
import { MemoryRateWindow } from './memory.rate-window';
import { RATE_WINDOW_ENV, RATE_WINDOW_MS } from './rate-limit.constants';
import { rateLimitStoreName } from './rate-limit-redis.connection';
import { RateWindowLimits } from './rate-window.interface';
import { RedisRateWindow } from './redis.rate-window';

/** Where the limiters count: the shared Redis (with its options), or each process's memory. */
export interface RateLimitStore {
  redis: Redis | null;
  options?: LlmRateLimitRedisOptions;
}

/** The limiter of `llm`'s `rate_limit`; none without one. */
export function llmRateLimiter(llm: string, config: LlmRateLimitConfig | undefined, store: RateLimitStore, env: NodeJS.ProcessEnv = process.env): LlmRateLimiter | undefined {
  if (!config) return undefined;
  const limits: RateWindowLimits = {
    windowMs: rateWindowMs(env),
    requestsPerWindow: config.requests_per_minute ?? 0,
    tokensPerWindow: config.tokens_per_minute ?? 0,
  };
  const window =
    store.redis && store.options
      ? new RedisRateWindow(store.redis, store.options.keyPrefix, llm, limits, rateLimitStoreName(store.options))
      : new MemoryRateWindow(limits);
  return new LlmRateLimiter(llm, window);
}

/** A minute, or the test's window from the environment. */
export function rateWindowMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env[RATE_WINDOW_ENV];
  if (value === undefined || value === '') return RATE_WINDOW_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 1) throw new Error(LlmMessages.badRateWindow(RATE_WINDOW_ENV, value));
  return ms;
}
