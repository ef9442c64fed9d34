import { DynamicModule, Type } from '@nestjs/common';
import { BATCH_CONFIG_SECTIONS, BatchModule, readBatchConfig } from '@userscope/batch';
import { HTTP_CONFIG_SECTIONS } from '@userscope/http';
import {
  loadPluginModules,
  readConfigFile,
  readPluginList,
  resolveConfig,
  scanPlugins,
  FunctionTypeRegistry,
  UserscopeBuiltinsModule,
  UserscopeConfig,
} from '@userscope/runtime';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { ChatAgentModule, LLM_CONFIG_SECTIONS, LlmModule } from '@userscope/llm';

/** Plugins every server has. */
export const BUILTIN_PLUGINS: Type<object>[] = [UserscopeBuiltinsModule, PerUserWorkflowExampleModule, ChatAgentModule];

/** A config file made ready to serve: validated config, the registry it was checked against, plugins. */
export interface LoadedApplication {
  config: UserscopeConfig;
  registry: FunctionTypeRegistry;
  plugins: Type<object>[];
  /** The application's further modules, their config sections validated too. */
  modules: DynamicModule[];
}

/** Reads and validates `configFile`. Throws ConfigError or FunctionRegistrationError with a clear message. */
export function loadApplication(configFile: string, env: NodeJS.ProcessEnv = process.env): LoadedApplication {
  const raw = readConfigFile(configFile, env);
  const plugins = [...new Set([...BUILTIN_PLUGINS, ...loadPluginModules(readPluginList(raw), raw.dir)])];
  const registry = scanPlugins(plugins);
  // Batch's workflows name LLMs, so its sections come after the LLM library's.
  const config = resolveConfig(raw, registry, [...HTTP_CONFIG_SECTIONS, ...LLM_CONFIG_SECTIONS, ...BATCH_CONFIG_SECTIONS]);
  const modules = [LlmModule.forRoot(config), BatchModule.forRoot(readBatchConfig(config))];
  return { config, registry, plugins, modules };
}
