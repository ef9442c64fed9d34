import { Provider } from '@nestjs/common';
import Redis from 'ioredis';
import { configSection, redactUrl, UserscopeConfig } from '@userscope/runtime';
import { LlmModuleOptions, LlmRateLimitRedisOptions } from '../interfaces/llm-module-options.interface';
import { BUDGET_COUNTER, LIMIT_OVERRIDES, USER_LIMITS_CONFIG } from './limits.constants';
import { LimitOverrides } from './limit.overrides';
import { MemoryBudgetCounter } from './memory.budget-counter';
import { RedisBudgetCounter } from './redis.budget-counter';
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
      if (!redis) return new LimitOverrides();
      const connection = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: redis.commandTimeoutMs });
      connection.on('error', () => undefined); // a call that cannot read it is refused with a 503 naming the store
      return new LimitOverrides(connection, redis.keyPrefix);
    },
  };
}

/** Budgets in the Redis the app's processes share (so replicas and workers count together), in memory otherwise. */
export function budgetCounterProvider(redis: LlmRateLimitRedisOptions | undefined): Provider {
  return {
    provide: BUDGET_COUNTER,
    useFactory: () => {
      if (!redis) return new MemoryBudgetCounter();
      const connection = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: redis.commandTimeoutMs });
      connection.on('error', () => undefined); // a call that cannot reach it is refused with a 503 naming it
      return new RedisBudgetCounter(connection, redis.keyPrefix, `Redis at ${redactUrl(redis.url)} (${redis.setting})`);
    },
  };
}
