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
 * Nest keeps one strategy per process: with two apps in one process (tests), each app's strategy
 * answers its own server's requests and hands the others down the chain.
 */
@Injectable()
export class SessionContextIdStrategy implements ContextIdStrategy {
  /** The strategy applied before this one, if any. */
  host: ContextIdStrategy | undefined;
  private server: object | undefined;
  private closed = false;

  constructor(
    private readonly identity: IdentityResolver,
    private readonly admission: RequestAdmission,
  ) {}

  /** Composes with the strategy the host applied before (`ContextIdFactory.apply`). */
  composeWith(host: ContextIdStrategy | undefined): this {
    this.host = host === this ? undefined : host;
    return this;
  }

  /** Answers only the requests of `server` (the app's Fastify instance), once known. */
  serve(server: object | undefined): void {
    this.server = server;
  }

  /** The app closed: its requests are over, the rest go down the chain. */
  close(): void {
    this.closed = true;
  }

  attach(contextId: ContextId, request: Partial<IdentityRequest> & { url?: string; server?: object }): ReturnType<ContextIdStrategy['attach']> {
    const hosted = this.host?.attach(contextId, request);
    if (this.closed || (this.server && request.server && request.server !== this.server)) return hosted;
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
