/**
 * The paths Userscope serves, by prefix: what its body limit and error shape apply to when it is
 * embedded in a host app, and what its ContextIdStrategy leaves to the routes themselves.
 */
export const USERSCOPE_ROUTE_PREFIXES = [
  '/generate',
  '/chat',
  '/v1',
  '/monitor',
  '/metrics',
  '/health',
  '/api/users',
  '/api/workflows',
  '/api/runs',
  '/mcp', // the MCP server front end, and the MCP client groups' tool list
  '/docs',
  '/openapi.json',
  '/internal/users', // calls between the replicas of a cluster
] as const;

/** Whether `url` (path and query) is one of Userscope's routes. */
export function isUserscopeRoute(url: string): boolean {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  return USERSCOPE_ROUTE_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}
