import { Type } from '@nestjs/common';
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

/** Plugins every server has. */
export const BUILTIN_PLUGINS: Type<object>[] = [UserscopeBuiltinsModule, PerUserWorkflowExampleModule];

/** A config file made ready to serve: validated config, the registry it was checked against, plugins. */
export interface LoadedApplication {
  config: UserscopeConfig;
  registry: FunctionTypeRegistry;
  plugins: Type<object>[];
}

/** Reads and validates `configFile`. Throws ConfigError or FunctionRegistrationError with a clear message. */
export function loadApplication(configFile: string, env: NodeJS.ProcessEnv = process.env): LoadedApplication {
  const raw = readConfigFile(configFile, env);
  const plugins = [...new Set([...BUILTIN_PLUGINS, ...loadPluginModules(readPluginList(raw), raw.dir)])];
  const registry = scanPlugins(plugins);
  const config = resolveConfig(raw, registry);
  return { config, registry, plugins };
}
