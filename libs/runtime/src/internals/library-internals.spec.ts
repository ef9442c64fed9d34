import { CanActivate, Controller, Get, Inject, Injectable, Module, Optional, Scope, Type, UseGuards } from '@nestjs/common';
import { APP_GUARD, ContextIdFactory, ModuleRef, ModulesContainer, REQUEST } from '@nestjs/core';
import { STATIC_CONTEXT } from '@nestjs/core/injector/constants';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import { Module as NestModule } from '@nestjs/core/injector/module';
import { ApiProperty } from '@nestjs/swagger';
import { Test, TestingModule } from '@nestjs/testing';
import { Expose, Transform, Type as TransformTo } from 'class-transformer';
import {
  addModelSchema,
  appliedContextIdStrategy,
  compactContextRecord,
  copyInjectTokens,
  directContextBuild,
  fastifyRequestHooks,
  forgetContext,
  globalEnhancerCounts,
  hasClassTransformerMetadata,
  installedVersion,
  isMiddieHook,
  perContextInstancesOf,
  ProviderNode,
  providerGraph,
  splitContextRecords,
} from './library-internals';
import { SplitContextMap } from './split-context-map';
import { LibraryInternalsMessages } from './library-internals.messages';

/**
 * The versions library-internals.ts was checked against. package.json pins the same ones; an
 * upgrade fails here until someone has run this spec against it and reviewed library-internals.ts.
 */
const PINNED = {
  '@nestjs/core': '11.2.10',
  '@nestjs/common': '11.2.10',
  '@nestjs/swagger': '11.4.7',
  'class-transformer': '0.5.1',
  'class-validator': '0.15.1',
  fastify: '5.12.8',
} as const;

type Pinned = keyof typeof PINNED;

/** Runs `check`; any failure becomes one loud error naming the package, its version and the file to update. */
async function contract(pkg: Pinned, what: string, check: () => unknown): Promise<void> {
  try {
    await check();
  } catch (error) {
    const installed = installedVersion(pkg);
    const version = installed === PINNED[pkg] ? installed : `${installed} (checked against ${PINNED[pkg]})`;
    throw new Error(`${LibraryInternalsMessages.changed(pkg, version, what)}\n${(error as Error).message}`);
  }
}

/** Fails naming every one of `names` that `owner` no longer has. */
function stillHas(owner: string, target: object, names: string[]): void {
  const gone = names.filter((name) => !(name in target));
  if (gone.length > 0) throw new Error(gone.map((name) => `${owner}.${name} no longer exists`).join('; '));
}

// A fixture app with every kind of node the runtime reads: a shared provider, a durable per-user one
// (constructor, property and REQUEST dependencies), and a controller with a guard.
@Injectable()
class Clock {}

@Injectable({ scope: Scope.REQUEST, durable: true })
class Notebook {
  @Inject('PREFIX') readonly prefix!: string;
  constructor(
    readonly clock: Clock,
    @Inject(REQUEST) readonly session: unknown,
  ) {}
}

@Injectable()
class Gate implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller('notes')
@UseGuards(Gate)
class NotesController {
  constructor(readonly clock: Clock) {}
  @Get() list(): string[] {
    return [];
  }
}

/** A per-context provider depending on another one, for directContextBuild. */
@Injectable({ scope: Scope.REQUEST, durable: true })
class Page {
  constructor(
    readonly notebook: Notebook,
    readonly clock: Clock,
  ) {}
}

@Module({ controllers: [NotesController], providers: [Clock, Notebook, Page, Gate, { provide: 'PREFIX', useValue: '> ' }] })
class NotesModule {}

// Per-context providers directContextBuild must leave to Nest: a factory, and a missing optional dependency.
@Injectable({ scope: Scope.REQUEST, durable: true })
class WithMissingOptional {
  constructor(@Optional() @Inject('ABSENT') readonly absent?: unknown) {}
}

@Module({
  providers: [Clock, WithMissingOptional, { provide: 'FACTORY', scope: Scope.REQUEST, durable: true, inject: [Clock], useFactory: (clock: Clock) => ({ clock }) }],
})
class UnbuildableModule {}

describe('library internals, against the installed packages', () => {
  let app: TestingModule;
  let graph: ProviderNode[];
  const node = (token: unknown) => {
    const found = graph.find((n) => n.token === token);
    if (!found) throw new Error(`providerGraph() has no node for ${String((token as Function).name ?? token)}`);
    return found;
  };

  beforeAll(async () => {
    app = await Test.createTestingModule({ imports: [NotesModule] }).compile();
    graph = providerGraph(app.get(ModulesContainer));
  });
  afterAll(() => app.close());

  it.each(Object.entries(PINNED))('%s is the pinned version', (pkg, pinned) => {
    const installed = installedVersion(pkg);
    if (installed !== pinned) throw new Error(LibraryInternalsMessages.versionMoved(pkg, installed, pinned));
  });

  describe('@nestjs/core', () => {
    it('still has the InstanceWrapper and Module members library-internals.ts calls', () =>
      contract('@nestjs/core', 'the injector internals changed shape', () => {
        stillHas('InstanceWrapper', InstanceWrapper.prototype, [
          'getExistingInstancesByContextId',
          'removeInstanceByContextId',
          'getCtorMetadata',
          'getPropertiesMetadata',
          'getEnhancersMetadata',
          'isDependencyTreeStatic',
        ]);
        stillHas('Module', NestModule.prototype, ['providers', 'controllers', 'injectables', 'metatype']);
      }));

    it('providerGraph: providers, controllers and enhancers with their scope and dependencies', () =>
      contract('@nestjs/core', 'providerGraph() no longer reads the modules as it used to', async () => {
        // Nest records a request-scoped provider's dependencies when it first builds one in a context.
        const contextId = ContextIdFactory.create();
        app.registerRequestByContextId({ userId: 'bob' }, contextId);
        await app.resolve(Notebook, contextId);
        const notebook = node(Notebook);
        expect({ kind: notebook.kind, scope: notebook.scope, perContext: notebook.isPerContext }).toEqual({
          kind: 'provider',
          scope: Scope.REQUEST,
          perContext: true,
        });
        expect(notebook.dependencies.map((dep) => dep.token)).toEqual(expect.arrayContaining([Clock, REQUEST, 'PREFIX']));
        expect(node(Clock).isPerContext).toBe(false);
        expect(node(NotesController).kind).toBe('controller');
        expect(node(NotesController).enhancers.map((e) => e.token)).toContain(Gate);
        expect(node(REQUEST).isNestInternal).toBe(true);
        expect(notebook.isNestInternal).toBe(false);
        expect(notebook.name).toBe('Notebook');
      }));

    it('perContextInstancesOf and forgetContext: a durable context’s instances, and dropping them', () =>
      contract('@nestjs/core', 'InstanceWrapper per-context entries (getExisting/removeInstanceByContextId) changed', async () => {
        const contextId = ContextIdFactory.create();
        const session = { userId: 'alice' };
        app.registerRequestByContextId(session, contextId);
        const notebook = await app.resolve(Notebook, contextId);
        expect(notebook.session).toBe(session);
        expect(perContextInstancesOf(node(Notebook), contextId)).toEqual([notebook]);
        expect(perContextInstancesOf(node(REQUEST), contextId)).toEqual([session]);
        expect(perContextInstancesOf(node(Notebook), ContextIdFactory.create())).toEqual([]);

        forgetContext(node(Notebook), contextId);
        forgetContext(node(REQUEST), contextId);
        expect(perContextInstancesOf(node(Notebook), contextId)).toEqual([]);
        expect(perContextInstancesOf(node(REQUEST), contextId)).toEqual([]);
        expect(await app.resolve(Notebook, contextId)).not.toBe(notebook);
      }));

    it("compactContextRecord: a built context's record rewritten with the same fields and one shared settled promise, and resolving as before", () =>
      contract('@nestjs/core', "a built context's InstanceWrapper record no longer has the fields compactContextRecord rewrites", async () => {
        const wrapper = [...app.get(ModulesContainer).values()].flatMap((module) => [...module.providers.values()]).find((candidate) => candidate.token === Notebook)!;
        const records: { donePromise?: Promise<unknown> }[] = [];
        for (const userId of ['carol', 'dave']) {
          const contextId = ContextIdFactory.create();
          app.registerRequestByContextId({ userId }, contextId);
          const notebook = await app.resolve(Notebook, contextId);
          const before = wrapper.getExistingInstancesByContextId(contextId)[0];
          expect(Object.keys(before).sort()).toEqual(['donePromise', 'instance', 'isConstructorCalled', 'isPending', 'isResolved']);
          compactContextRecord(node(Notebook), contextId);
          const after = wrapper.getExistingInstancesByContextId(contextId)[0];
          expect(after).not.toBe(before);
          expect(after).toEqual({ ...before, donePromise: expect.any(Promise) });
          // Nest still answers with the same instance, through the compacted record.
          expect(await app.resolve(Notebook, contextId)).toBe(notebook);
          expect(perContextInstancesOf(node(Notebook), contextId)).toEqual([notebook]);
          records.push(after);
        }
        expect(records[0].donePromise).toBe(records[1].donePromise);
        await expect(records[0].donePromise).resolves.toBeUndefined();
      }));

    it("splitContextRecords: Nest's per-context map replaced by a split one, Nest resolving, finding and forgetting through it, contexts built before included", () =>
      contract('@nestjs/core', 'InstanceWrapper no longer keeps its per-context records in the WeakMap `values`', async () => {
        const wrapperOf = (token: unknown) =>
          [...app.get(ModulesContainer).values()].flatMap((module) => [...module.providers.values()]).find((candidate) => candidate.token === token)!;
        const open = async (userId: string) => {
          const contextId = ContextIdFactory.create();
          const session = { userId };
          app.registerRequestByContextId(session, contextId);
          return { contextId, session, notebook: await app.resolve(Notebook, contextId) };
        };
        const before = await open('erin');
        const staticRecord = wrapperOf(Notebook).getInstanceByContextId(STATIC_CONTEXT);
        expect((wrapperOf(Notebook) as unknown as { values: unknown }).values).toBeInstanceOf(WeakMap);

        splitContextRecords(node(Notebook));
        splitContextRecords(node(REQUEST));
        const split = (wrapperOf(Notebook) as unknown as { values: unknown }).values;
        expect(split).toBeInstanceOf(SplitContextMap);
        splitContextRecords(node(Notebook)); // a second call leaves it as it is
        expect((wrapperOf(Notebook) as unknown as { values: unknown }).values).toBe(split);

        // Built before the split: still found, and resolved to the same instance.
        expect(wrapperOf(Notebook).getInstanceByContextId(STATIC_CONTEXT)).toBe(staticRecord);
        expect(perContextInstancesOf(node(Notebook), before.contextId)).toEqual([before.notebook]);
        expect(await app.resolve(Notebook, before.contextId)).toBe(before.notebook);
        // Built after it.
        const after = await open('frank');
        expect(after.notebook.session).toBe(after.session);
        expect(after.notebook).not.toBe(before.notebook);
        expect(await app.resolve(Notebook, after.contextId)).toBe(after.notebook);
        expect(perContextInstancesOf(node(REQUEST), after.contextId)).toEqual([after.session]);
        compactContextRecord(node(Notebook), after.contextId);
        expect(await app.resolve(Notebook, after.contextId)).toBe(after.notebook);

        for (const { contextId } of [before, after]) {
          forgetContext(node(Notebook), contextId);
          forgetContext(node(REQUEST), contextId);
          expect(perContextInstancesOf(node(Notebook), contextId)).toEqual([]);
          expect(perContextInstancesOf(node(REQUEST), contextId)).toEqual([]);
        }
      }));

    it("directContextBuild: a context's instances built with the dependencies Nest worked out, in records Nest answers from", () =>
      contract('@nestjs/core', "InstanceWrapper's constructor/property metadata or per-context records changed", async () => {
        const moduleRef = app.get(ModuleRef);
        const closure = [node(REQUEST), node(Notebook), node(Page)];
        const open = async (userId: string) => {
          const contextId = ContextIdFactory.create();
          const session = { userId };
          app.registerRequestByContextId(session, contextId);
          return { contextId, session };
        };
        // Nest builds the first context (and so works out the dependencies); the direct build follows it.
        const first = await open('gina');
        const nestPage = await app.resolve(Page, first.contextId);
        const direct = directContextBuild(closure, moduleRef);
        expect(direct?.tokens).toEqual([Notebook, Page]);

        const second = await open('hugo');
        const [notebook, page] = direct!.build(second.contextId, second.session) as [Notebook, Page];
        // A context Nest has begun to build is left to Nest.
        const third = await open('iris');
        const nestNotebook = await app.resolve(Notebook, third.contextId);
        expect(direct!.build(third.contextId, third.session)).toBeUndefined();
        expect(await app.resolve(Page, third.contextId)).toMatchObject({ notebook: nestNotebook });
        expect(notebook).toBeInstanceOf(Notebook);
        expect(page).toBeInstanceOf(Page);
        expect({ clock: notebook.clock, session: notebook.session, prefix: notebook.prefix }).toEqual({ clock: app.get(Clock), session: second.session, prefix: '> ' });
        expect(notebook.clock).toBe(nestPage.notebook.clock);
        expect(page.notebook).toBe(notebook);
        expect(page.clock).toBe(app.get(Clock));
        // Nest answers with them, and finds and forgets them as its own.
        expect(await app.resolve(Page, second.contextId)).toBe(page);
        expect(await app.resolve(Notebook, second.contextId)).toBe(notebook);
        expect(perContextInstancesOf(node(Notebook), second.contextId)).toEqual([notebook]);
        const wrapper = [...app.get(ModulesContainer).values()].flatMap((module) => [...module.providers.values()]).find((candidate) => candidate.token === Page)!;
        const record = wrapper.getExistingInstancesByContextId(second.contextId)[0] as unknown as Record<string, unknown>;
        expect(Object.keys(record).sort()).toEqual(['donePromise', 'instance', 'isConstructorCalled', 'isPending', 'isResolved']);
        // The values of a record Nest built and compactContextRecord compacted, the same settled promise included.
        const nestRecord = wrapper.getExistingInstancesByContextId(first.contextId)[0] as unknown as Record<string, unknown>;
        compactContextRecord(node(Page), first.contextId);
        const compacted = wrapper.getExistingInstancesByContextId(first.contextId)[0] as unknown as Record<string, unknown>;
        expect(record).toEqual({ ...nestRecord, instance: page, donePromise: compacted.donePromise });
        for (const n of closure) forgetContext(n, second.contextId);
        expect(perContextInstancesOf(node(Page), second.contextId)).toEqual([]);
        expect(() => direct!.build({ id: 1, getParent: () => second.contextId } as never, second.session)).toThrow(/getParent/);
      }));

    it('directContextBuild: undefined for what only Nest can build (a factory, a missing optional dependency, dependencies not worked out yet)', () =>
      contract('@nestjs/core', "InstanceWrapper's inject/constructor metadata changed", async () => {
        const unbuildable = await Test.createTestingModule({ imports: [UnbuildableModule] }).compile();
        try {
          const nodes = providerGraph(unbuildable.get(ModulesContainer));
          const of = (token: unknown) => nodes.filter((n) => n.token === token || n.token === REQUEST);
          const moduleRef = unbuildable.get(ModuleRef);
          // Before any context was built, Nest has not recorded the constructor's dependencies.
          const notebookless = of(WithMissingOptional);
          expect(directContextBuild(notebookless, moduleRef)).toBeUndefined();
          const contextId = ContextIdFactory.create();
          unbuildable.registerRequestByContextId({ userId: 'ida' }, contextId);
          expect((await unbuildable.resolve(WithMissingOptional, contextId)).absent).toBeUndefined();
          await unbuildable.resolve('FACTORY', contextId);
          expect(directContextBuild(of(WithMissingOptional), moduleRef)).toBeUndefined();
          expect(directContextBuild(of('FACTORY'), moduleRef)).toBeUndefined();
        } finally {
          await unbuildable.close();
        }
      }));

    it('appliedContextIdStrategy: the strategy ContextIdFactory.apply installed', () =>
      contract('@nestjs/core', 'ContextIdFactory no longer keeps the applied strategy in its static `strategy`', () => {
        const before = appliedContextIdStrategy();
        const strategy = { attach: () => undefined };
        try {
          ContextIdFactory.apply(strategy);
          expect(appliedContextIdStrategy()).toBe(strategy);
        } finally {
          ContextIdFactory.apply(before as typeof strategy);
        }
      }));

    it("globalEnhancerCounts: an app's global guards, interceptors and pipes, from providers and useGlobal*()", () =>
      contract('@nestjs/core', 'NestApplication no longer keeps its global enhancers in its ApplicationConfig `config`', async () => {
        const plain = (await Test.createTestingModule({ imports: [NotesModule] }).compile()).createNestApplication(new FastifyAdapter());
        const guarded = (
          await Test.createTestingModule({ imports: [NotesModule], providers: [{ provide: APP_GUARD, useValue: { canActivate: () => true } }] }).compile()
        ).createNestApplication(new FastifyAdapter());
        guarded.useGlobalInterceptors({ intercept: (_context, next) => next.handle() });
        guarded.useGlobalPipes({ transform: (value) => value }, { transform: (value) => value });
        try {
          expect(globalEnhancerCounts(plain)).toEqual({ guards: 0, interceptors: 0, pipes: 0 });
          expect(globalEnhancerCounts(guarded)).toEqual({ guards: 1, interceptors: 1, pipes: 2 });
        } finally {
          await Promise.all([plain.close(), guarded.close()]);
        }
      }));
  });

  describe('@nestjs/common', () => {
    it('copyInjectTokens: a subclass injected with substituted @Inject() tokens', () =>
      contract('@nestjs/common', "@Inject() metadata keys in '@nestjs/common/constants' changed", async () => {
        @Injectable()
        class Greeter {
          @Inject('WHO') readonly who!: string;
          constructor(@Inject('GREETING') readonly greeting: string) {}
        }
        const Bound = class extends Greeter {};
        copyInjectTokens(Greeter, Bound, (token) => (token === 'GREETING' ? 'HELLO' : token === 'WHO' ? 'WORLD' : token));
        const module = await Test.createTestingModule({
          providers: [Bound, { provide: 'HELLO', useValue: 'hello' }, { provide: 'WORLD', useValue: 'world' }],
        }).compile();
        const greeter = module.get<Greeter>(Bound as Type<Greeter>);
        expect({ greeting: greeter.greeting, who: greeter.who }).toEqual({ greeting: 'hello', who: 'world' });
        await module.close();
      }));
  });

  describe('@nestjs/swagger', () => {
    it("addModelSchema: a class's schema with @ApiProperty descriptions and defaults, and the schemas it refers to", () =>
      contract('@nestjs/swagger', "SchemaObjectFactory in 'dist/services' changed", () => {
        class Tag {
          @ApiProperty() label!: string;
        }
        class Note {
          @ApiProperty({ description: 'The text', default: '' }) text!: string;
          @ApiProperty({ type: () => Tag }) tag!: Tag;
        }
        const components = {};
        expect(addModelSchema(Note, components)).toBe('Note');
        expect(components).toMatchObject({
          Note: {
            type: 'object',
            properties: { text: { type: 'string', description: 'The text', default: '' }, tag: { $ref: '#/components/schemas/Tag' } },
          },
          Tag: { type: 'object', properties: { label: { type: 'string' } } },
        });
      }));
  });

  describe('class-transformer', () => {
    it('hasClassTransformerMetadata: @Expose, @Type and @Transform are seen; a plain class has none', () =>
      contract('class-transformer', "the metadata storage in 'cjs/storage' changed", () => {
        class Plain {
          text!: string;
        }
        class Exposed {
          @Expose() text!: string;
        }
        class Typed {
          @TransformTo(() => Plain) inner!: Plain;
        }
        class Transformed {
          @Transform(({ value }) => String(value)) text!: string;
        }
        expect(hasClassTransformerMetadata(Plain, ['text'])).toBe(false);
        expect(hasClassTransformerMetadata(Exposed, [])).toBe(true);
        expect(hasClassTransformerMetadata(Typed, ['inner'])).toBe(true);
        expect(hasClassTransformerMetadata(Typed, [])).toBe(false);
        expect(hasClassTransformerMetadata(Transformed, ['text'])).toBe(true);
      }));
  });

  describe('fastify', () => {
    it("fastifyRequestHooks: an instance's request hooks once its plugin queue has run, application hooks left out; isMiddieHook: the hook Nest's adapter adds for middleware", () =>
      contract('fastify', 'an instance no longer keeps its hooks under Symbol(fastify.hooks), or middie no longer names its hook runMiddie', async () => {
        const app = (await Test.createTestingModule({ imports: [NotesModule] }).compile()).createNestApplication(new FastifyAdapter());
        const fastify = app.getHttpAdapter().getInstance();
        const onRequest = function appOnRequest(_request: unknown, _reply: unknown, done: () => void) {
          done();
        };
        const onSend = function appOnSend(_request: unknown, _reply: unknown, payload: unknown, done: (error: null, payload: unknown) => void) {
          done(null, payload);
        };
        fastify.addHook('onRequest', onRequest);
        fastify.addHook('onSend', onSend);
        fastify.addHook('onRoute', () => undefined);
        try {
          await app.init();
          const hooks = fastifyRequestHooks(fastify);
          expect(hooks).toEqual(expect.arrayContaining([onRequest, onSend]));
          expect(hooks.filter(isMiddieHook)).toHaveLength(1);
        } finally {
          await app.close();
        }
      }));
  });
});
