import { PLUGIN_METADATA } from '../runtime.constants';
import { UserscopePluginOptions } from '../interfaces/plugin-options.interface';

/**
 * Declares the function types a plugin module provides. Put it next to `@Module()`:
 * the module's own providers stay available to the function classes' constructors.
 */
export function UserscopePlugin(options: UserscopePluginOptions): ClassDecorator {
  return (target) => Reflect.defineMetadata(PLUGIN_METADATA, options, target);
}
