import { Injectable } from '@nestjs/common';
import { ContextId, ContextIdResolver, ContextIdStrategy, HostComponentInfo } from '@nestjs/core';
import { SessionLifecycle } from '@userscope/runtime';
import { IdentityResolver } from './identity.resolver';
import { IdentityRequest } from './interfaces/identity-mode.interface';

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

  attach(contextId: ContextId, request: Partial<IdentityRequest>): ContextIdResolver | undefined {
    let userId: string | undefined;
    try {
      // No reply: identities are issued by routes, never here.
      userId = this.identity.resolve({ headers: request.headers ?? {}, socket: request.socket });
    } catch {
      userId = undefined; // an invalid identity is none here; the route itself answers it with a 401 or 400
    }
    if (!userId) return undefined;
    const session = this.sessions.open(userId);
    return {
      resolve: (info: HostComponentInfo) => (info.isTreeDurable ? session.contextId : contextId),
      payload: session,
    };
  }
}
