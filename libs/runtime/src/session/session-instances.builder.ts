import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ContextBuild, directContextBuild } from '../internals/library-internals';
import { functionGroupToken } from '../runtime.constants';
import { providerTokenOf } from '../functions/configured-function.providers';
import { FunctionCatalog } from '../functions/function.catalog';
import { DurableInstanceTracker } from './durable-instance.tracker';
import { UserSession } from './user-session';

/** A session's per-user instances, as built. */
export interface BuiltInstances {
  /** The instance behind each per-user function and discovered group, by provider token. */
  readonly byToken: Map<string, object>;
  /** Every instance built in the session's context, dependencies first. */
  readonly ordered: object[];
}

/**
 * Builds a session's per-user instances in its durable context. The first session goes through Nest's
 * injector (`ModuleRef.resolve`), which works out every provider's dependencies. Later sessions, when each
 * provider is a class Nest could build with a constructor call alone, call the constructors directly with
 * what Nest worked out (`directContextBuild`): the same instances, in the same records, for a fraction of
 * the cost, which is most of a new user's first request (bench/RESULTS.md, first requests and batch runs).
 */
@Injectable()
export class SessionInstanceBuilder {
  /** Undefined until a session was built through Nest; null when Nest's injector stays the way. */
  private direct: ContextBuild | null | undefined;
  /** The providers of the per-user functions and discovered groups, each once. */
  private readonly tokens: string[];
  private readonly roots: ReadonlySet<unknown>;

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly catalog: FunctionCatalog,
    private readonly tracker: DurableInstanceTracker,
  ) {
    const tokens = [...catalog.perUser.map(providerTokenOf), ...catalog.perUserDiscoveredGroups.map((group) => functionGroupToken(group.name))];
    this.tokens = [...new Set(tokens)];
    this.roots = new Set(this.tokens);
  }

  /** The session's instances; its REQUEST is the session (registered by the caller). */
  async build(session: UserSession): Promise<BuiltInstances> {
    const direct = this.direct && this.builtDirectly(this.direct, session);
    if (direct) return direct;
    const byToken = new Map<string, object>();
    for (const token of this.tokens) byToken.set(token, await this.moduleRef.resolve<object>(token, session.contextId, { strict: false }));
    const ordered = this.tracker.collect(session.contextId);
    this.tracker.compact(session.contextId);
    if (this.direct === undefined) {
      const closure = this.tracker.closureOf(this.tokens);
      this.direct = (closure && directContextBuild(closure, this.moduleRef)) ?? null;
    }
    return { byToken, ordered };
  }

  /** Undefined when Nest has begun to build the session's context (a request-scoped controller of the user's): Nest then builds it all. */
  private builtDirectly(direct: ContextBuild, session: UserSession): BuiltInstances | undefined {
    const ordered = direct.build(session.contextId, session);
    if (!ordered) return undefined;
    const byToken = new Map<string, object>();
    direct.tokens.forEach((token, i) => {
      if (this.roots.has(token)) byToken.set(token as string, ordered[i]);
    });
    return { byToken, ordered };
  }
}
