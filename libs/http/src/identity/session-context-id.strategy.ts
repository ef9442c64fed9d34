import { Injectable } from '@nestjs/common';
import { ContextId, ContextIdResolver, ContextIdStrategy, HostComponentInfo } from '@nestjs/core';
import { SessionLifecycle } from '@userscope/runtime';
import { IdentityResolver } from './identity.resolver';

/**
 * Maps each request to its user's durable ContextId, so request-scoped controllers and providers
 * that a user writes get that user's per-user instances. Userscope's own routes are singletons and
 * resolve with the session's ContextId directly, which is cheaper.
 */
@Injectable()
export class SessionContextIdStrategy implements ContextIdStrategy {
  constructor(
    private readonly identity: IdentityResolver,
    private readonly sessions: SessionLifecycle,
  ) {}

  attach(contextId: ContextId, request: { headers?: Record<string, string> }): ContextIdResolver | undefined {
    let userId: string | undefined;
    try {
      userId = this.identity.resolve(request.headers ?? {});
    } catch {
      userId = undefined; // the route itself answers the malformed id with a 400
    }
    if (!userId) return undefined;
    const session = this.sessions.open(userId);
    return {
      resolve: (info: HostComponentInfo) => (info.isTreeDurable ? session.contextId : contextId),
      payload: session,
    };
  }
}
