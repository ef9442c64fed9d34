import { Provider } from '@nestjs/common';
import { configSection, UserscopeConfig } from '@userscope/runtime';
import { lazySharedRedis, rateLimitStoreName } from '../rate-limit/rate-limit-redis.connection';
import { LlmModuleOptions, LlmRateLimitRedisOptions } from '../interfaces/llm-module-options.interface';
import { MemoryUsageStore } from './memory.usage-store';
import { RedisUsageStore } from './redis.usage-store';
import { USAGE_CONFIG, USAGE_STORE } from './usage.constants';
import { USAGE_CONFIG_SECTION, UsageConfig } from './usage.config';

/** `general.usage` of a loaded config; the defaults for a module given its `llms` alone. */
export function usageConfigProvider(options: LlmModuleOptions | UserscopeConfig): Provider {
  const config = 'sections' in options && options.sections.has(USAGE_CONFIG_SECTION.key) ? configSection(options, USAGE_CONFIG_SECTION) : new UsageConfig();
  return { provide: USAGE_CONFIG, useValue: config };
}

/**
 * The usage records' store: the Redis the app shares between processes (the one the rate limits
 * use: general.cluster's, else the batch store's), so that every replica and worker adds to the same
 * records; this process's memory otherwise.
 */
export function usageStoreProvider(redis: LlmRateLimitRedisOptions | undefined): Provider {
  return {
    provide: USAGE_STORE,
    useFactory: () => {
      if (!redis) return new MemoryUsageStore();
      // The ledger keeps records waiting while it is away, and says so.
      return new RedisUsageStore(lazySharedRedis(redis, 2), redis.keyPrefix, rateLimitStoreName(redis));
    },
  };
}
