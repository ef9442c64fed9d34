import { Injectable } from '@nestjs/common';
import { ContextId, ContextIdResolver, ContextIdStrategy, HostComponentInfo } from '@nestjs/core';
import { RequestAdmission } from '../admission/request-admission';
import { isUserscopeRoute } from '../userscope-routes';
import { IdentityResolver } from './identity.resolver';
import { IdentityRequest } from './interfaces/identity-mode.interface';

/**
 * Maps each request to its user's durable ContextId, so request-scoped controllers and providers
 * that a user writes get that user's per-user instances, admitted like any request of the user.
 * Userscope's own routes are singletons that admit themselves. The host app's own strategy, if it
 * has one, still serves every request without a Userscope identity and every non-durable tree.
 */
@Injectable()
export class SessionContextIdStrategy implements ContextIdStrategy {
  private host: ContextIdStrategy | undefined;

  constructor(
    private readonly identity: IdentityResolver,
    private readonly admission: RequestAdmission,
  ) {}

  /** Composes with the strategy the host applied before (`ContextIdFactory.apply`). */
  composeWith(host: ContextIdStrategy | undefined): this {
    this.host = host === this ? undefined : host;
    return this;
  }

  attach(contextId: ContextId, request: Partial<IdentityRequest> & { url?: string }): ReturnType<ContextIdStrategy['attach']> {
    const hosted = this.host?.attach(contextId, request);
    const userId = request.url !== undefined && isUserscopeRoute(request.url) ? undefined : this.identify(request);
    if (!userId) return hosted;
    const session = this.admission.admit(request, userId);
    const fallback = hostResolver(hosted);
    return {
      resolve: (info: HostComponentInfo) => (info.isTreeDurable ? session.contextId : (fallback?.(info) ?? contextId)),
      payload: session,
    };
  }

  private identify(request: Partial<IdentityRequest>): string | undefined {
    try {
      // No reply: identities are issued by routes, never here.
      return this.identity.resolve({ headers: request.headers ?? {}, socket: request.socket });
    } catch {
      return undefined; // an invalid identity is none here; the route itself answers it with a 401 or 400
    }
  }
}

function hostResolver(hosted: ReturnType<ContextIdStrategy['attach']>): ((info: HostComponentInfo) => ContextId) | undefined {
  if (!hosted) return undefined;
  return typeof hosted === 'function' ? hosted : (info) => hosted.resolve(info);
}
