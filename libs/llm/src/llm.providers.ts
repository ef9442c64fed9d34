import { Logger, Provider } from '@nestjs/common';
import { ConfigError, ConfigIssue, configSection, UserscopeConfig } from '@userscope/runtime';
import { LLM_CONFIG_SECTION, resolveLlmConfigs, ResolvedLlmConfig } from './config/llm-config.resolver';
import type Redis from 'ioredis';
import { LlmModuleOptions, LlmRateLimitRedisOptions } from './interfaces/llm-module-options.interface';
import { LLM_CONFIGS, LLM_RATE_LIMIT_REDIS, llmToken } from './llm.constants';
import { LlmClient } from './llm.client';
import { LlmRegistry } from './llm.registry';
import { RetryPolicy, SYSTEM_CLOCK } from './retry.policy';
import { TokenAccounting } from './token.accounting';
import { UserBudget } from './limits/user.budget';
import { llmRateLimiter } from './rate-limit/llm-rate-limiter.factory';
import { connectRateLimitRedis } from './rate-limit/rate-limit-redis.connection';
import { TracedLlmProvider } from './tracing/traced-llm.provider';

/** The validated `llms:` section: a loaded config's, or `options.llms` validated now (a ConfigError naming the file when invalid). */
export function resolvedLlmConfigs(options: LlmModuleOptions | UserscopeConfig): ResolvedLlmConfig[] {
  if ('sections' in options) return configSection(options, LLM_CONFIG_SECTION);
  const issues: ConfigIssue[] = [];
  const configs = resolveLlmConfigs(options.llms, issues);
  if (issues.length > 0) throw new ConfigError(options.file ?? 'llms', issues);
  return configs;
}

export function llmConfigsProvider(configs: ResolvedLlmConfig[]): Provider {
  return { provide: LLM_CONFIGS, useValue: configs };
}

/**
 * The connection the rate limits share when there is a Redis to share and an LLM has a `rate_limit`;
 * null otherwise (limits in memory, or none).
 */
export function llmRateLimitRedisProvider(configs: ResolvedLlmConfig[], redis: LlmRateLimitRedisOptions | undefined): Provider {
  const limited = configs.filter((config) => config.rateLimit).map((config) => config.name);
  return { provide: LLM_RATE_LIMIT_REDIS, useFactory: () => (redis && limited.length > 0 ? connectRateLimitRedis(redis, limited) : null) };
}

/** One client per configured LLM, sharing the token accounting; each with its rate limiter when it has a `rate_limit`. */
export function llmRegistryProvider(redisOptions: LlmRateLimitRedisOptions | undefined): Provider {
  return {
    provide: LlmRegistry,
    inject: [LLM_CONFIGS, TokenAccounting, LLM_RATE_LIMIT_REDIS, UserBudget],
    useFactory: (configs: ResolvedLlmConfig[], accounting: TokenAccounting, redis: Redis | null, budget: UserBudget) => {
      const logger = new Logger('LLMs');
      return new LlmRegistry(
        configs.map(({ name, type, provider, config, rateLimit }) => {
          logger.log(`LLM '${name}': ${provider.describe(config)}`);
          const retry = new RetryPolicy(name, provider.retry(config), SYSTEM_CLOCK, () => accounting.recordRetry(name));
          const limiter = llmRateLimiter(name, rateLimit, { redis, options: redisOptions });
          return new LlmClient(name, type, new TracedLlmProvider(provider.create(name, config), type), retry, accounting, limiter, budget);
        }),
      );
    },
  };
}

/** `@InjectLlm(name)` for every configured LLM. */
export function llmClientProviders(configs: ResolvedLlmConfig[]): Provider[] {
  return configs.map(({ name }) => ({
    provide: llmToken(name),
    inject: [LlmRegistry],
    useFactory: (registry: LlmRegistry) => registry.get(name),
  }));
}
