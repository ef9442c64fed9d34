import { Logger, Provider } from '@nestjs/common';
import { ConfigError, ConfigIssue, configSection, UserscopeConfig } from '@userscope/runtime';
import { LLM_CONFIG_SECTION, resolveLlmConfigs, ResolvedLlmConfig } from './config/llm-config.resolver';
import { LlmModuleOptions } from './interfaces/llm-module-options.interface';
import { LLM_CONFIGS, llmToken } from './llm.constants';
import { LlmClient } from './llm.client';
import { LlmRegistry } from './llm.registry';
import { RetryPolicy, SYSTEM_CLOCK } from './retry.policy';
import { TokenAccounting } from './token.accounting';

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

/** One client per configured LLM, sharing the token accounting. */
export const llmRegistryProvider: Provider = {
  provide: LlmRegistry,
  inject: [LLM_CONFIGS, TokenAccounting],
  useFactory: (configs: ResolvedLlmConfig[], accounting: TokenAccounting) => {
    const logger = new Logger('LLMs');
    return new LlmRegistry(
      configs.map(({ name, type, provider, config }) => {
        logger.log(`LLM '${name}': ${provider.describe(config)}`);
        const retry = new RetryPolicy(name, provider.retry(config), SYSTEM_CLOCK, () => accounting.recordRetry(name));
        return new LlmClient(name, type, provider.create(name, config), retry, accounting);
      }),
    );
  },
};

/** `@InjectLlm(name)` for every configured LLM. */
export function llmClientProviders(configs: ResolvedLlmConfig[]): Provider[] {
  return configs.map(({ name }) => ({
    provide: llmToken(name),
    inject: [LlmRegistry],
    useFactory: (registry: LlmRegistry) => registry.get(name),
  }));
}
