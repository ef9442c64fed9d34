import { Inject, Injectable, Module, Scope, Type } from '@nestjs/common';
import { ModuleRef, ModulesContainer, REQUEST } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import type { FunctionCatalog } from '../functions/function.catalog';
import { functionToken } from '../runtime.constants';
import { DurableInstanceTracker } from './durable-instance.tracker';
import { SessionInstanceBuilder } from './session-instances.builder';
import { UserSession } from './user-session';

@Injectable()
class Clock {}

@Injectable({ scope: Scope.REQUEST, durable: true })
class Journal {
  constructor(
    readonly clock: Clock,
    @Inject(REQUEST) readonly session: UserSession,
  ) {}
}

class Notebook {
  constructor(
    readonly journal: Journal,
    readonly session: UserSession,
  ) {
    if (session.userId === 'mallory') throw new Error('no notebook for mallory');
  }
}

const NOTEBOOK = functionToken('notebook');

@Module({
  providers: [Clock, Journal, { provide: NOTEBOOK, scope: Scope.REQUEST, durable: true, useClass: Notebook }],
})
class PlainModule {}
Reflect.defineMetadata('design:paramtypes', [Journal, Object], Notebook);
Reflect.defineMetadata('self:paramtypes', [{ index: 1, param: REQUEST }], Notebook);

/** The same function, made by a factory: only Nest's injector can build it. */
@Module({
  providers: [Clock, Journal, { provide: NOTEBOOK, scope: Scope.REQUEST, durable: true, inject: [Journal, REQUEST], useFactory: (j: Journal, s: UserSession) => new Notebook(j, s) }],
})
class FactoryModule {}

const catalog = { perUser: [{ name: 'notebook' }], perUserDiscoveredGroups: [] } as unknown as FunctionCatalog;

describe("SessionInstanceBuilder: a session's per-user instances, through Nest once, then directly", () => {
  let app: TestingModule;
  afterEach(() => app?.close());

  async function builderFor(module: Type<unknown>) {
    app = await Test.createTestingModule({ imports: [module] }).compile();
    const moduleRef = app.get(ModuleRef);
    const resolve = jest.spyOn(moduleRef, 'resolve');
    const builder = new SessionInstanceBuilder(moduleRef, catalog, new DurableInstanceTracker(app.get(ModulesContainer)));
    const open = (userId: string) => {
      const session = new UserSession(userId);
      app.registerRequestByContextId(session, session.contextId);
      return session;
    };
    return { builder, resolve, open };
  }

  it("builds the first user's instances through Nest, later users' without it: the same graph, in records Nest answers from", async () => {
    const { builder, resolve, open } = await builderFor(PlainModule);
    const ann = open('ann');
    const first = await builder.build(ann);
    expect(resolve).toHaveBeenCalledTimes(1);
    const annBook = first.byToken.get(NOTEBOOK) as Notebook;
    expect(first.ordered).toEqual([annBook.journal, annBook]);

    const bob = open('bob');
    const second = await builder.build(bob);
    expect(resolve).toHaveBeenCalledTimes(1);
    const bobBook = second.byToken.get(NOTEBOOK) as Notebook;
    expect(bobBook).toBeInstanceOf(Notebook);
    expect(bobBook).not.toBe(annBook);
    expect({ session: bobBook.session, journalSession: bobBook.journal.session, clock: bobBook.journal.clock }).toEqual({
      session: bob,
      journalSession: bob,
      clock: app.get(Clock),
    });
    expect(second.ordered).toEqual([bobBook.journal, bobBook]);
    expect(await app.resolve(NOTEBOOK, bob.contextId)).toBe(bobBook);
    expect(await app.resolve(Journal, bob.contextId)).toBe(bobBook.journal);
  });

  it("rejects with what a constructor threw, its dependencies already built left where the session's disposal finds them", async () => {
    const { builder, open } = await builderFor(PlainModule);
    await builder.build(open('ann'));
    const mallory = open('mallory');
    await expect(builder.build(mallory)).rejects.toThrow('no notebook for mallory');
    const tracker = new DurableInstanceTracker(app.get(ModulesContainer));
    expect(tracker.collect(mallory.contextId)).toEqual([expect.any(Journal)]);
    expect((await builder.build(open('bob'))).byToken.get(NOTEBOOK)).toBeInstanceOf(Notebook);
  });

  it('leaves a session to Nest when Nest has begun building it (a request-scoped controller of the user, say)', async () => {
    const { builder, resolve, open } = await builderFor(PlainModule);
    await builder.build(open('ann'));
    const cid = open('cid');
    const journal = await app.resolve(Journal, cid.contextId);
    const built = await builder.build(cid);
    expect(resolve).toHaveBeenCalledTimes(2); // ann's, and cid's through Nest
    expect((built.byToken.get(NOTEBOOK) as Notebook).journal).toBe(journal);
    expect(built.ordered).toEqual([journal, built.byToken.get(NOTEBOOK)]);
  });

  it('keeps building through Nest what only Nest can build (a factory provider)', async () => {
    const { builder, resolve, open } = await builderFor(FactoryModule);
    const books = [];
    for (const user of ['ann', 'bob', 'cid']) books.push((await builder.build(open(user))).byToken.get(NOTEBOOK) as Notebook);
    expect(resolve).toHaveBeenCalledTimes(3);
    expect(new Set(books.map((book) => book.session.userId))).toEqual(new Set(['ann', 'bob', 'cid']));
  });
});
