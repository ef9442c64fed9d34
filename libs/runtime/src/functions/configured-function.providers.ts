import { DynamicModule, Provider, Scope, Type } from '@nestjs/common';
import { PROPERTY_DEPS_METADATA, SELF_DECLARED_DEPS_METADATA } from '@nestjs/common/constants';
import {
  FUNCTION_CONFIG,
  FUNCTION_NAME,
  functionConfigToken,
  functionNameToken,
  functionToken,
} from '../runtime.constants';
import { ConfiguredFunction, UserscopeConfig } from '../config/userscope-config.interface';
import { pluginFunctionTypes } from '../plugin.scanner';

/**
 * The plugin module, extended with one provider per configured function of its types.
 * Declaring them in the plugin's own module keeps the plugin's providers injectable into them.
 */
export function pluginWithConfiguredFunctions(plugin: Type<object>, config: UserscopeConfig): DynamicModule {
  const types = new Set(pluginFunctionTypes(plugin));
  const configured = [...config.functions.values()].filter((fn) => types.has(fn.type.target));
  return {
    module: plugin,
    providers: configured.flatMap(configuredFunctionProviders),
    exports: configured.map((fn) => functionToken(fn.name)),
  };
}

/** The providers of one configured function: its config, its name, and its class bound to both. */
export function configuredFunctionProviders(fn: ConfiguredFunction): Provider[] {
  const perUser = fn.type.scope === 'per-user';
  return [
    { provide: functionConfigToken(fn.name), useValue: fn.config },
    { provide: functionNameToken(fn.name), useValue: fn.name },
    {
      provide: functionToken(fn.name),
      useClass: bindToConfiguredFunction(fn.type.target, fn.name),
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
  const params: { index: number; param: unknown }[] = Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, target) ?? [];
  Reflect.defineMetadata(SELF_DECLARED_DEPS_METADATA, params.map((p) => ({ ...p, param: substitute(p.param) })), bound);
  const properties: { key: string; type: unknown }[] = Reflect.getMetadata(PROPERTY_DEPS_METADATA, target) ?? [];
  Reflect.defineMetadata(PROPERTY_DEPS_METADATA, properties.map((p) => ({ ...p, type: substitute(p.type) })), bound);
  return bound;
}
