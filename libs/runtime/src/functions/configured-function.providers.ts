import { DynamicModule, Provider, Scope, Type } from '@nestjs/common';
import {
  FUNCTION_CONFIG,
  FUNCTION_NAME,
  functionConfigToken,
  functionGroupToken,
  functionNameToken,
  functionToken,
} from '../runtime.constants';
import { ConfiguredFunction, ConfiguredFunctionGroup, UserscopeConfig } from '../config/userscope-config.interface';
import { pluginFunctionTypes } from '../plugin.scanner';
import { copyInjectTokens } from '../internals/library-internals';

/**
 * The plugin module, extended with one provider per configured function of its types.
 * Declaring them in the plugin's own module keeps the plugin's providers injectable into them.
 */
export function pluginWithConfiguredFunctions(plugin: Type<object>, config: UserscopeConfig): DynamicModule {
  const types = new Set(pluginFunctionTypes(plugin));
  const components: Component[] = [
    ...[...config.functions.values()].filter((fn) => !fn.group).map((fn) => ({ ...fn, token: functionToken(fn.name) })),
    ...[...config.groups.values()].map((group) => ({ ...group, token: functionGroupToken(group.name) })),
  ].filter((component) => types.has(component.type.target));
  return {
    module: plugin,
    providers: components.flatMap(componentProviders),
    exports: components.map((component) => component.token),
  };
}

/** The DI token of the instance behind a configured function: its own, or its group's. */
export function providerTokenOf(fn: ConfiguredFunction): string {
  return fn.group ? functionGroupToken(fn.group) : functionToken(fn.name);
}

/** A configured function or function group, as far as its providers are concerned. */
type Component = Pick<ConfiguredFunction | ConfiguredFunctionGroup, 'name' | 'config'> & {
  type: { scope: string; target: Type<object> };
  token: string;
};

/** The providers of one configured component: its config, its name, and its class bound to both. */
function componentProviders(component: Component): Provider[] {
  const perUser = component.type.scope === 'per-user';
  return [
    { provide: functionConfigToken(component.name), useValue: component.config },
    { provide: functionNameToken(component.name), useValue: component.name },
    {
      provide: component.token,
      useClass: bindToConfiguredFunction(component.type.target, component.name),
      scope: perUser ? Scope.REQUEST : Scope.DEFAULT,
      durable: perUser ? true : undefined,
    },
  ];
}

/**
 * A subclass of `target` whose injection metadata points `@InjectFunctionConfig()` and
 * `@InjectFunctionName()` at this configured function's values. Two configured functions of one
 * type are then two providers, with separate instances and configs.
 */
function bindToConfiguredFunction(target: Type<object>, name: string): Type<object> {
  const substitute = (token: unknown) =>
    token === FUNCTION_CONFIG ? functionConfigToken(name) : token === FUNCTION_NAME ? functionNameToken(name) : token;
  const bound = class extends (target as Type<any>) {};
  Object.defineProperty(bound, 'name', { value: target.name });
  copyInjectTokens(target, bound, substitute);
  return bound;
}
