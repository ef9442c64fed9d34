import type { FastifyRequest } from 'fastify';

/** Whose instances a request needs: the caller's (identified as the route does it), or the one its path names. */
export type RequestUser = { from: 'caller' } | { from: 'path'; userId: string };

/** Userscope's routes that run as the caller: their user's owner must serve them. */
const CALLER_ROUTES = new Set(['POST /generate', 'POST /generate/stream', 'POST /chat', 'POST /chat/stream', 'POST /v1/chat/completions']);

/** Ends a user's session: the replica holding the session must do it. */
const END_USER_ROUTE = 'DELETE /monitor/users/:user_id';

/** The user whose owner must serve `request`; undefined when any replica may (health, metrics, batch, the page). */
export function requestUserOf(request: FastifyRequest): RequestUser | undefined {
  const route = `${request.method} ${request.routeOptions.url}`;
  if (CALLER_ROUTES.has(route)) return { from: 'caller' };
  if (route === END_USER_ROUTE) {
    const userId = (request.params as { user_id?: string } | undefined)?.user_id;
    return userId ? { from: 'path', userId } : undefined;
  }
  return undefined;
}
