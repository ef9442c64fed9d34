import { DynamicModule, Module } from '@nestjs/common';
import { trackCurrentSession, UserscopeConfig } from '@userscope/runtime';
import { LlmModuleOptions } from './interfaces/llm-module-options.interface';
import { LlmRegistry } from './llm.registry';
import { llmClientProviders, llmConfigsProvider, llmRegistryProvider, resolvedLlmConfigs } from './llm.providers';
import { TokenAccounting } from './token.accounting';

/**
 * The configured LLMs (`llms:`), shared by all users: `LlmRegistry` by name, `@InjectLlm(name)`
 * each, and the `TokenAccounting` that attributes their tokens to users. Global.
 */
@Module({})
export class LlmModule {
  /** From a loaded config (its `llms:` section checked with `LLM_CONFIG_SECTION`), or from the section itself. */
  static forRoot(options: LlmModuleOptions | UserscopeConfig): DynamicModule {
    const configs = resolvedLlmConfigs(options);
    // Token accounting attributes each call to the user whose request made it.
    if (configs.length > 0) trackCurrentSession();
    const clients = llmClientProviders(configs);
    return {
      module: LlmModule,
      global: true,
      providers: [TokenAccounting, llmConfigsProvider(configs), llmRegistryProvider, ...clients],
      exports: [TokenAccounting, LlmRegistry, ...clients.map((provider) => (provider as { provide: string }).provide)],
    };
  }
}
