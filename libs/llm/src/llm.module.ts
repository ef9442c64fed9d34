import { DynamicModule, Module } from '@nestjs/common';
import { trackCurrentSession } from '@userscope/runtime';
import { LlmModuleOptions } from './interfaces/llm-module-options.interface';
import { LlmRegistry } from './llm.registry';
import { llmClientProviders, llmConfigsProvider, llmRegistryProvider } from './llm.providers';
import { TokenAccounting } from './token.accounting';

/**
 * The configured LLMs (`llms:`), shared by all users: `LlmRegistry` by name, `@InjectLlm(name)`
 * each, and the `TokenAccounting` that attributes their tokens to users. Global.
 */
@Module({})
export class LlmModule {
  static forRoot(options: LlmModuleOptions): DynamicModule {
    // Token accounting attributes each call to the user whose request made it.
    if (Object.keys(options.llms ?? {}).length > 0) trackCurrentSession();
    const clients = llmClientProviders(options);
    return {
      module: LlmModule,
      global: true,
      providers: [TokenAccounting, llmConfigsProvider(options), llmRegistryProvider, ...clients],
      exports: [TokenAccounting, LlmRegistry, ...clients.map((provider) => (provider as { provide: string }).provide)],
    };
  }
}
