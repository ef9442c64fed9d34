import { Type } from '@nestjs/common';
import { PLUGIN_METADATA } from './runtime.constants';
import { UserscopePluginOptions } from './interfaces/plugin-options.interface';
import { FunctionRegistrationError } from './exceptions/function-registration.exception';
import { FunctionTypeRegistry } from './function-type.registry';

/**
 * Reads the function types that plugin modules declare with `@UserscopePlugin()`.
 * This runs before Nest builds its container (not at onModuleInit with DiscoveryService) because every
 * configured function becomes a provider of its plugin's module, so the types must be known first.
 */
export function scanPlugins(plugins: Type<object>[], registry = new FunctionTypeRegistry()): FunctionTypeRegistry {
  for (const plugin of plugins) {
    const options: UserscopePluginOptions | undefined = Reflect.getMetadata(PLUGIN_METADATA, plugin);
    if (!options) {
      throw new FunctionRegistrationError(
        `Plugin ${plugin.name} has no @UserscopePlugin({ functions: [...] }) decorator; it provides no function types.`,
      );
    }
    for (const target of options.functions) registry.registerAny(target, plugin.name);
  }
  return registry;
}

/** The function types `plugin` declares. */
export function pluginFunctionTypes(plugin: Type<object>): Type<object>[] {
  return (Reflect.getMetadata(PLUGIN_METADATA, plugin) as UserscopePluginOptions | undefined)?.functions ?? [];
}
