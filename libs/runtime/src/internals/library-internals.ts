/**
 * The one place Userscope uses what Nest, @nestjs/swagger, class-transformer and Fastify do not export as
 * public API. Each function says why the public API does not suffice. These packages are pinned to
 * exact versions, and library-internals.spec.ts checks every function here against the installed
 * ones, so an upgrade that changes them fails there, loudly, instead of somewhere in a session.
 */
import { dirname, join } from 'node:path';
import { INestApplication, InjectionToken, Scope, Type } from '@nestjs/common';
import { PARAMTYPES_METADATA, PROPERTY_DEPS_METADATA, SELF_DECLARED_DEPS_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig, ContextId, ContextIdFactory, ContextIdStrategy, INQUIRER, ModuleRef, ModulesContainer, REQUEST } from '@nestjs/core';
import { STATIC_CONTEXT } from '@nestjs/core/injector/constants';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import type { SchemaObject } from '@nestjs/swagger';
import type { SchemaObjectFactory } from '@nestjs/swagger/dist/services/schema-object-factory';
import { TransformationType } from 'class-transformer';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import { LibraryInternalsMessages } from './library-internals.messages';
import { SplitContextMap } from './split-context-map';

// @nestjs/core: the provider graph and per-context instances

/** A provider, controller or enhancer as Nest registered it, without Nest's InstanceWrapper. */
export interface ProviderNode {
  readonly token: InjectionToken;
  /** Nest's name for it: the class name, or the token as text. */
  readonly name: string | undefined;
  readonly scope: Scope;
  readonly kind: 'provider' | 'controller' | 'enhancer';
  /** Registered by Nest itself (REQUEST, ModuleRef, …), not by the application. */
  readonly isNestInternal: boolean;
  /** Nest builds one per ContextId: it is request-scoped, or depends on something that is. */
  readonly isPerContext: boolean;
  /** Constructor and property dependencies, as Nest resolved them; a per-context provider's once Nest built one. */
  readonly dependencies: readonly ProviderNode[];
  /** The guards, interceptors, pipes and filters bound to it. */
  readonly enhancers: readonly ProviderNode[];
}

const wrappers = new WeakMap<ProviderNode, InstanceWrapper>();

/**
 * Every provider, controller and enhancer of every module, with the dependencies Nest resolved.
 * Why not public: `DiscoveryService` lists wrappers but not enhancers, and neither it nor anything
 * else public exposes what a provider was injected with (`getCtorMetadata` and friends).
 */
export function providerGraph(modules: ModulesContainer): ProviderNode[] {
  const nodes = new Map<InstanceWrapper, ProviderNode>();
  const nodeOf = (wrapper: InstanceWrapper, kind: ProviderNode['kind'] = 'provider'): ProviderNode => {
    let node = nodes.get(wrapper);
    if (!node) {
      node = providerNode(wrapper, kind, nodeOf);
      nodes.set(wrapper, node);
      wrappers.set(node, wrapper);
    }
    return node;
  };
  const registered: ProviderNode[] = [];
  for (const module of modules.values()) {
    for (const wrapper of module.providers.values()) registered.push(nodeOf(wrapper, 'provider'));
    for (const wrapper of module.controllers.values()) registered.push(nodeOf(wrapper, 'controller'));
    for (const wrapper of module.injectables.values()) registered.push(nodeOf(wrapper, 'enhancer'));
  }
  return registered;
}

function providerNode(
  wrapper: InstanceWrapper,
  kind: ProviderNode['kind'],
  nodeOf: (wrapper: InstanceWrapper) => ProviderNode,
): ProviderNode {
  return {
    token: wrapper.token,
    name: wrapper.name == null ? undefined : String(wrapper.name),
    scope: wrapper.scope ?? Scope.DEFAULT,
    kind,
    isNestInternal: wrapper.host?.metatype?.name === 'InternalCoreModule',
    // Getters: Nest's answer as of when they are read, after every dependency is resolved.
    get isPerContext() {
      return !wrapper.isDependencyTreeStatic();
    },
    get dependencies() {
      return [...(wrapper.getCtorMetadata() ?? []), ...(wrapper.getPropertiesMetadata() ?? []).map((p) => p.wrapper)]
        .filter((dep): dep is InstanceWrapper => !!dep)
        .map(nodeOf);
    },
    get enhancers() {
      return (wrapper.getEnhancersMetadata() ?? []).filter((dep): dep is InstanceWrapper => !!dep).map(nodeOf);
    },
  };
}

/**
 * The instances of `node` Nest has built in `contextId`. Why not public: `ModuleRef.resolve` builds
 * an instance when there is none; nothing public asks whether one exists.
 */
export function perContextInstancesOf(node: ProviderNode, contextId: ContextId): object[] {
  return wrapperOf(node)
    .getExistingInstancesByContextId(contextId)
    .filter((host) => host.isResolved && host.instance)
    .map((host) => host.instance as object);
}

/**
 * Drops what Nest holds of `node` for `contextId`. Why not public: Nest keeps a durable context's
 * instances for the life of the process and offers no way to release them.
 */
export function forgetContext(node: ProviderNode, contextId: ContextId): void {
  wrapperOf(node).removeInstanceByContextId(contextId);
}

/** The keys of a per-context record Nest has finished building, in the order `compactContextRecord` writes them. */
const SETTLED_RECORD_KEYS = ['instance', 'isResolved', 'isPending', 'donePromise', 'isConstructorCalled'];
/** The one settled `donePromise` every compacted record shares: Nest only ever awaits it, for `undefined` (no error). */
const SETTLED = Promise.resolve(undefined);

/**
 * Replaces Nest's record of `node`'s instance in `contextId`, once it is built, by one of a single
 * shape for every context, with the settled promise all records share. Why: Nest makes each
 * context's record by spreading the static one and adds fields as it builds, so every context's
 * record ends up with a hidden class of its own (with its descriptor arrays) and keeps a promise
 * of its own: ~1 KB per session of the seed example (bench/RESULTS.md, idle sessions). Nest reads
 * a settled record only for `isPending`/`isResolved`/`donePromise`/`instance`, which keep their
 * values. Records of another shape (not built, transient, or a future Nest's) are left as they are.
 */
export function compactContextRecord(node: ProviderNode, contextId: ContextId): void {
  const wrapper = wrapperOf(node);
  if (wrapper.scope === Scope.TRANSIENT) return;
  const existing = wrapper.getExistingInstancesByContextId(contextId);
  if (existing.length !== 1) return;
  const record = existing[0] as unknown as Record<string, unknown>;
  if ( record.isResolved !== true || record.donePromise === undefined || record.donePromise === SETTLED) return;
  const keys = Object.keys(record);
  if (keys.length !== SETTLED_RECORD_KEYS.length || !SETTLED_RECORD_KEYS.every((key) => keys.includes(key))) return;
  wrapper.setInstanceByContextId(contextId, settledRecord(record.instance, record.isPending as boolean, record.isConstructorCalled as boolean));
}

/** A settled per-context record of the one shape `compactContextRecord` and `directContextBuild` write (SETTLED_RECORD_KEYS). */
function settledRecord(instance: unknown, isPending: boolean, isConstructorCalled: boolean): never {
  return { instance, isResolved: true, isPending, donePromise: SETTLED, isConstructorCalled } as never;
}

/**
 * Replaces Nest's map of `node`'s per-context records (`InstanceWrapper.values`, one WeakMap keyed by
 * ContextId) by a `SplitContextMap`, which keeps the entries it held. Why not public: the map is private,
 * and ending many sessions empties it one `delete` at a time; V8 rehashes it in the delete that leaves it a
 * quarter full, blocking the event loop for as long as the table is large (~10 ms per provider at 100,000
 * sessions). Nest only calls `get`, `set` and `delete` on it. A map of another kind (a future Nest's, or one
 * already split) is left as it is, and so are transient providers (their records are per inquirer).
 */
export function splitContextRecords(node: ProviderNode): void {
  const wrapper = wrapperOf(node) as unknown as { values: unknown; scope?: Scope };
  if (wrapper.scope === Scope.TRANSIENT || !(wrapper.values instanceof WeakMap)) return;
  wrapper.values = new SplitContextMap(wrapper.values as WeakMap<ContextId, unknown>);
}

/** Builds the instances of some per-context providers in one context; see `directContextBuild`. */
export interface ContextBuild {
  /** The providers' tokens, in the order `build` returns their instances. */
  readonly tokens: readonly InjectionToken[];
  /**
   * The instances for `contextId` (a ContextId of its own, without `getParent`), with `request` as its
   * REQUEST; undefined, building nothing, when Nest has begun to build one of them there (a request-scoped
   * controller of the user's, say), so that only Nest's injector builds that context.
   */
  build(contextId: ContextId, request: unknown): object[] | undefined;
}

/** Where a constructor argument or injected property comes from. */
type Source = { from: 'static'; value: unknown } | { from: 'request' } | { from: 'built'; index: number };

interface BuildStep {
  wrapper: InstanceWrapper;
  metatype: new (...args: unknown[]) => object;
  params: Source[];
  properties: { key: string | symbol; source: Source }[];
}

/**
 * A build of `nodes`' instances for a context that calls their constructors with the dependencies Nest
 * has already worked out for them, and stores each as Nest's settled record of that context (the shape of
 * `compactContextRecord`), so Nest, asked later, answers with it. `nodes` come dependencies first; a
 * per-context dependency must be one of them or REQUEST. Why not public: Nest builds a context's instances
 * only through its injector (`ModuleRef.resolve`), ~25 µs and ~50 promises per provider, re-deriving each
 * time what it worked out in the first context (bench/RESULTS.md, first requests and batch runs).
 * Undefined, so Nest's injector stays the way, as soon as one provider needs more than a constructor call:
 * a factory or alias, a transient, forward-referenced or INQUIRER dependency, an optional one that is
 * missing, enhancers, a static dependency not built yet, Nest's preview mode or an instance decorator.
 */
export function directContextBuild(nodes: readonly ProviderNode[], moduleRef: ModuleRef): ContextBuild | undefined {
  const options = (moduleRef as unknown as { injector?: { options?: { preview?: boolean; instanceDecorator?: unknown } } }).injector?.options;
  if (!options || options.preview || options.instanceDecorator) return undefined;
  const steps: BuildStep[] = [];
  const built = new Map<InstanceWrapper, number>();
  const sourceOf = (dep: InstanceWrapper | undefined): Source | undefined => {
    if (!dep || dep.isTransient || dep.token === INQUIRER || dep.forwardRef) return undefined;
    if (dep.token === REQUEST) return { from: 'request' };
    if (built.has(dep)) return { from: 'built', index: built.get(dep)! };
    if (!dep.isDependencyTreeStatic()) return undefined;
    const host = dep.getInstanceByContextId(STATIC_CONTEXT);
    return host?.isResolved ? { from: 'static', value: host.instance } : undefined;
  };
  for (const node of nodes) {
    const wrapper = wrapperOf(node);
    if (wrapper.token === REQUEST) continue;
    const metatype = wrapper.metatype as BuildStep['metatype'] | null;
    if (typeof metatype !== 'function' || !metatype.prototype || wrapper.inject != null || wrapper.isAlias || wrapper.isTransient || wrapper.forwardRef) return undefined;
    if ((wrapper.getEnhancersMetadata() ?? []).length > 0) return undefined;
    const ctor = wrapper.getCtorMetadata() ?? [];
    if (ctor.length !== constructorParamCount(metatype)) return undefined;
    const params = Array.from(ctor, sourceOf);
    const declared: unknown[] = Reflect.getMetadata(PROPERTY_DEPS_METADATA, metatype) ?? [];
    const injected = wrapper.getPropertiesMetadata() ?? [];
    if (injected.length !== declared.length) return undefined;
    const properties = injected.map(({ key, wrapper: dep }) => ({ key, source: sourceOf(dep) }));
    if (params.includes(undefined) || properties.some((p) => !p.source)) return undefined;
    built.set(wrapper, steps.length);
    steps.push({ wrapper, metatype, params: params as Source[], properties: properties as BuildStep['properties'] });
  }
  return {
    tokens: steps.map((step) => step.wrapper.token),
    build(contextId, request) {
      if (contextId.getParent) throw new TypeError('directContextBuild builds in a ContextId of its own, not one with getParent');
      if (steps.some((step) => step.wrapper.getExistingInstancesByContextId(contextId).length > 0)) return undefined;
      const instances: object[] = [];
      const valueOf = (source: Source) => (source.from === 'static' ? source.value : source.from === 'request' ? request : instances[source.index]);
      for (const { wrapper, metatype, params, properties } of steps) {
        const instance = new metatype(...params.map(valueOf)) as Record<string | symbol, unknown>;
        // As Nest's applyProperties: an injected property that resolved to nothing is left unset.
        for (const { key, source } of properties) {
          const value = valueOf(source);
          if (value != null) instance[key] = value;
        }
        // A record as Nest leaves a built one: `isPending` stays true, and later loads wait on the settled promise.
        wrapper.setInstanceByContextId(contextId, settledRecord(instance, true, true));
        instances.push(instance);
      }
      return instances;
    },
  };
}

/** How many constructor arguments Nest injects into `metatype`: its parameter types, with `@Inject()` ones over them. */
function constructorParamCount(metatype: Function): number {
  const types: unknown[] = Reflect.getMetadata(PARAMTYPES_METADATA, metatype) ?? [];
  const declared: { index: number }[] = Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, metatype) ?? [];
  return Math.max(types.length, ...declared.map((p) => p.index + 1));
}

function wrapperOf(node: ProviderNode): InstanceWrapper {
  const wrapper = wrappers.get(node);
  if (!wrapper) throw new TypeError('Not a ProviderNode from providerGraph()');
  return wrapper;
}

/**
 * The strategy applied with `ContextIdFactory.apply` so far, if any. Why not public: Nest offers
 * `apply` but no getter, and Userscope composes its strategy with the host app's instead of
 * replacing it.
 */
export function appliedContextIdStrategy(): ContextIdStrategy | undefined {
  return (ContextIdFactory as unknown as { strategy?: ContextIdStrategy }).strategy;
}

/** The global guards, interceptors and pipes of an app: what every route's handler passes through. */
export interface GlobalEnhancerCounts {
  guards: number;
  interceptors: number;
  pipes: number;
}

/**
 * How many global guards, interceptors and pipes `app` has, from `app.useGlobal*()` and from
 * `APP_GUARD`/`APP_INTERCEPTOR`/`APP_PIPE` providers (request-scoped ones included). Why not public:
 * Nest keeps them in the app's ApplicationConfig, which the app neither exposes nor lets be injected.
 */
export function globalEnhancerCounts(app: INestApplication): GlobalEnhancerCounts {
  const config = (app as unknown as { config: ApplicationConfig }).config;
  return {
    guards: config.getGlobalGuards().length + config.getGlobalRequestGuards().length,
    interceptors: config.getGlobalInterceptors().length + config.getGlobalRequestInterceptors().length,
    pipes: config.getGlobalPipes().length + config.getGlobalRequestPipes().length,
  };
}

// fastify: an instance's request hooks

/** Fastify's request lifecycle hooks: the ones every request of a route runs through. */
const FASTIFY_REQUEST_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse', 'onError', 'onTimeout', 'onRequestAbort'] as const;

/**
 * The request hooks added to a Fastify instance so far (its routes run them; application hooks such
 * as onRoute are left out), as the functions that were added. Why not public: Fastify keeps them
 * under a symbol of its own and offers no way to list them, and Userscope's /generate lane must know
 * that nothing it does not reproduce would see the route.
 */
export function fastifyRequestHooks(instance: object): Function[] {
  const key = Object.getOwnPropertySymbols(instance).find((symbol) => symbol.description === 'fastify.hooks');
  const hooks = key === undefined ? undefined : (instance as Record<symbol, Partial<Record<string, Function[]>>>)[key];
  if (!hooks) throw new Error(LibraryInternalsMessages.changed('fastify', installedVersion('fastify'), 'an instance keeps no hooks under Symbol(fastify.hooks)'));
  return FASTIFY_REQUEST_HOOKS.flatMap((name) => hooks[name] ?? []);
}

/**
 * Whether `hook` is @fastify/middie's, the one Nest's Fastify adapter registers to run Nest
 * middleware (it runs none when no module configures any). Why not public: middie exports neither
 * the hook nor a way to tell it from others, so it is known by its function's name.
 */
export function isMiddieHook(hook: Function): boolean {
  return hook.name === 'runMiddie';
}

// @nestjs/common: @Inject() metadata

/**
 * Copies the tokens `@Inject()` recorded on `from` (constructor parameters and properties) onto
 * `to`, each passed through `substitute`. Why not public: Nest reads and writes them under metadata
 * keys exported only from `@nestjs/common/constants`.
 */
export function copyInjectTokens(from: Type<unknown>, to: Type<unknown>, substitute: (token: unknown) => unknown): void {
  const params: { index: number; param: unknown }[] = Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, from) ?? [];
  Reflect.defineMetadata(SELF_DECLARED_DEPS_METADATA, params.map((p) => ({ ...p, param: substitute(p.param) })), to);
  const properties: { key: string; type: unknown }[] = Reflect.getMetadata(PROPERTY_DEPS_METADATA, from) ?? [];
  Reflect.defineMetadata(PROPERTY_DEPS_METADATA, properties.map((p) => ({ ...p, type: substitute(p.type) })), to);
}

// @nestjs/swagger: schemas of a class

let schemaFactory: SchemaObjectFactory | undefined;

/**
 * Adds the JSON schema of `type` (and of the classes it refers to) to `components`; returns its
 * name. Why not public: the package builds schemas only inside `SwaggerModule.createDocument`, which
 * needs an application, and function types are described at startup, before any exists. Its own
 * factory keeps `@ApiProperty` descriptions and defaults exactly as in Nest's documents.
 */
export function addModelSchema(type: Type<unknown> | Function, components: Record<string, SchemaObject>): string {
  schemaFactory ??= loadInternal('@nestjs/swagger', 'dist/services/schema-object-factory could not be built', () => {
    const services = join(dirname(require.resolve('@nestjs/swagger')), 'services');
    const load = (file: string) => require(join(services, file));
    return new (load('schema-object-factory').SchemaObjectFactory)(
      new (load('model-properties-accessor').ModelPropertiesAccessor)(),
      new (load('swagger-types-mapper').SwaggerTypesMapper)(),
    );
  });
  return schemaFactory!.exploreModelSchema(type, components);
}

// class-transformer: decorator metadata

let transformerStorage: MetadataStorage | undefined;

/**
 * Whether class-transformer holds `@Expose`/`@Exclude` for `cls`, or `@Type`/`@Transform` for one of
 * `properties`. Why not public: its metadata storage is exported only from `cjs/storage`.
 */
export function hasClassTransformerMetadata(cls: Function, properties: readonly string[]): boolean {
  transformerStorage ??= loadInternal('class-transformer', 'cjs/storage no longer exports defaultMetadataStorage', () => {
    const storage = require('class-transformer/cjs/storage').defaultMetadataStorage as MetadataStorage | undefined;
    if (!storage) throw new Error('defaultMetadataStorage is undefined');
    return storage;
  });
  const storage = transformerStorage!;
  if (storage.getExposedMetadatas(cls).length > 0 || storage.getExcludedMetadatas(cls).length > 0) return true;
  return properties.some(
    (property) =>
      storage.findTypeMetadata(cls, property) !== undefined ||
      storage.findTransformMetadatas(cls, property, TransformationType.PLAIN_TO_CLASS).length > 0,
  );
}

/** The version of `pkg` that `require` finds from here. */
export function installedVersion(pkg: string): string {
  return (require(`${pkg}/package.json`) as { version: string }).version;
}

/** `load()`, or an error naming the package, its version and this file when its internals moved. */
function loadInternal<T>(pkg: string, what: string, load: () => T): T {
  try {
    return load();
  } catch (cause) {
    throw new Error(LibraryInternalsMessages.changed(pkg, installedVersion(pkg), what), { cause });
  }
}
