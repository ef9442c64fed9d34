import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { RUN_ADMISSION, trackCurrentSession, UserscopeConfig } from '@userscope/runtime';
import { LlmModuleOptions, LlmRateLimitRedisOptions } from './interfaces/llm-module-options.interface';
import { LLM_RATE_LIMIT_REDIS } from './llm.constants';
import { LlmRegistry } from './llm.registry';
import {
  llmClientProviders,
  llmConfigsProvider,
  llmRateLimitRedisProvider,
  llmRegistryProvider,
  resolvedLlmConfigs,
} from './llm.providers';
import { TokenAccounting } from './token.accounting';
import { UsageLedger } from './usage/usage.ledger';
import { usageConfigProvider, usageStoreProvider } from './usage/usage.providers';
import { UserBudget } from './limits/user.budget';
import { budgetCounterProvider, limitOverridesProvider, runSlotsProvider, userLimitsConfigProvider } from './limits/limits.providers';
import { UserRunAdmission } from './limits/user-run.admission';

/**
 * The configured LLMs (`llms:`), shared by all users: `LlmRegistry` by name, `@InjectLlm(name)`
 * each, and the `TokenAccounting` that attributes their tokens to users. Global.
 */
@Module({})
export class LlmModule implements OnApplicationShutdown {
  constructor(@Inject(LLM_RATE_LIMIT_REDIS) private readonly rateLimitRedis: Redis | null) {}

  /**
   * From a loaded config (its `llms:` section checked with `LLM_CONFIG_SECTION`), or from the section
   * itself. `rateLimitRedis`: where the `rate_limit`s are kept so that every process on it shares
   * them; in this process's memory without it.
   */
  static forRoot(options: LlmModuleOptions | UserscopeConfig, rateLimitRedis?: LlmRateLimitRedisOptions): DynamicModule {
    const configs = resolvedLlmConfigs(options);
    // Token accounting attributes each call to the user whose request made it.
    if (configs.length > 0) trackCurrentSession();
    const clients = llmClientProviders(configs);
    return {
      module: LlmModule,
      global: true,
      providers: [
        TokenAccounting,
        UsageLedger,
        usageConfigProvider(options),
        usageStoreProvider(rateLimitRedis),
        UserBudget,
        userLimitsConfigProvider(options),
        budgetCounterProvider(rateLimitRedis),
        limitOverridesProvider(rateLimitRedis),
        UserRunAdmission,
        runSlotsProvider(rateLimitRedis),
        // The runtime counts each user's runs through it (concurrent_runs).
        { provide: RUN_ADMISSION, useExisting: UserRunAdmission },
        llmConfigsProvider(configs),
        llmRateLimitRedisProvider(configs, rateLimitRedis),
        llmRegistryProvider(rateLimitRedis),
        ...clients,
      ],
      exports: [TokenAccounting, UsageLedger, UserBudget, UserRunAdmission, RUN_ADMISSION, LlmRegistry, ...clients.map((provider) => (provider as { provide: string }).provide)],
    };
  }

  // Nothing waits to be written: each call's counting is done when it returns.
  onApplicationShutdown(): void {
    this.rateLimitRedis?.disconnect();
  }
}
