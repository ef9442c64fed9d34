import { Provider } from '@nestjs/common';
import { configSection, UserscopeConfig } from '@userscope/runtime';
import { lazySharedRedis, rateLimitStoreName } from '../rate-limit/rate-limit-redis.connection';
import { LlmModuleOptions, LlmRateLimitRedisOptions } from '../interfaces/llm-module-options.interface';
import { BUDGET_COUNTER, LIMIT_OVERRIDES, RUN_SLOTS, USER_LIMITS_CONFIG } from './limits.constants';
import { LimitOverrides } from './limit.overrides';
import { MemoryBudgetCounter } from './memory.budget-counter';
import { RedisBudgetCounter } from './redis.budget-counter';
import { MemoryRunSlots } from './memory.run-slots';
import { RedisRunSlots } from './redis.run-slots';
import { USER_LIMITS_CONFIG_SECTION, UserLimitsConfig } from './user-limits.config';

export function userLimitsConfigProvider(options: LlmModuleOptions | UserscopeConfig): Provider {
  const config = 'sections' in options && options.sections.has(USER_LIMITS_CONFIG_SECTION.key) ? configSection(options, USER_LIMITS_CONFIG_SECTION) : new UserLimitsConfig();
  return { provide: USER_LIMITS_CONFIG, useValue: config };
}

/** Users' own limits, kept where the budgets are. */
export function limitOverridesProvider(redis: LlmRateLimitRedisOptions | undefined): Provider {
  return {
    provide: LIMIT_OVERRIDES,
    useFactory: () => {
      // A call that cannot read it is refused with a 503 naming the store.
      return redis ? new LimitOverrides(lazySharedRedis(redis, 1), redis.keyPrefix) : new LimitOverrides();
    },
  };
}

/** Budgets in the Redis the app's processes share (so replicas and workers count together), in memory otherwise. */
export function budgetCounterProvider(redis: LlmRateLimitRedisOptions | undefined): Provider {
  return {
    provide: BUDGET_COUNTER,
    useFactory: () => {
      if (!redis) return new MemoryBudgetCounter();
      // A call that cannot reach it is refused with a 503 naming it.
      return new RedisBudgetCounter(lazySharedRedis(redis, 1), redis.keyPrefix, rateLimitStoreName(redis));
    },
  };
}

/** Users' runs in flight, kept where the budgets are. */
export function runSlotsProvider(redis: LlmRateLimitRedisOptions | undefined): Provider {
  return {
    provide: RUN_SLOTS,
    useFactory: () => {
      if (!redis) return new MemoryRunSlots();
      // A run that cannot reach it is refused with a 503 naming it.
      return new RedisRunSlots(lazySharedRedis(redis, 1), redis.keyPrefix, rateLimitStoreName(redis));
    },
  };
}
