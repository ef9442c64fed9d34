import type { FastifyRequest } from 'fastify';
import { isUserscopeRoute } from '@userscope/http';

/**
 * Whose instances a request needs: the caller's (identified as the route does it), or the one its
 * path names. `claims`: the route surely runs as the caller, so its session is opened (claimed)
 * before it runs; otherwise (a plugin's or the host's route, which may be request-scoped) the
 * request only follows a lease another replica holds.
 */
export type RequestUser = { from: 'caller'; claims: boolean } | { from: 'path'; userId: string };

/** Userscope's routes that run as the caller: their user's owner must serve them. */
const CALLER_ROUTES = new Set([
  'POST /generate',
  'POST /generate/stream',
  'POST /chat',
  'POST /chat/stream',
  'POST /v1/chat/completions',
  // The MCP server front end: the caller's MCP sessions live where their instances do.
  'POST /mcp',
  'GET /mcp',
  'DELETE /mcp',
]);

/** Ends a user's session: the replica holding the session must do it. */
const END_USER_ROUTE = 'DELETE /monitor/users/:user_id';

/**
 * The user whose owner must serve `request`; undefined when any replica may (Userscope's other
 * routes: health, metrics, the monitor's reads, batch, the docs; and unknown paths).
 */
export function requestUserOf(request: FastifyRequest): RequestUser | undefined {
  const url = request.routeOptions.url;
  if (url === undefined) return undefined; // no such route: the 404 is anyone's
  const route = `${request.method} ${url}`;
  if (CALLER_ROUTES.has(route)) return { from: 'caller', claims: true };
  if (route === END_USER_ROUTE) {
    const userId = (request.params as { user_id?: string } | undefined)?.user_id;
    return userId ? { from: 'path', userId } : undefined;
  }
  // Whether a route of a plugin or of the host is request-scoped is known only once Nest resolves its controller.
  return isUserscopeRoute(url) ? undefined : { from: 'caller', claims: false };
}
