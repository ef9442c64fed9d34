import type { Server, ServerOptions } from 'node:http';
import { GeneralConfig, toMilliseconds } from '@userscope/runtime';

/** How often Node looks for requests past their time; at its own default, 30 s, one could run that much over. */
const CHECK_EVERY_MS = 1000;
const NODE_HEADERS_TIMEOUT_MS = 60_000;

/**
 * `general.request_timeout` as Fastify options, which Fastify applies to every server it binds
 * (`localhost` is two where both 127.0.0.1 and ::1 exist): Node's `requestTimeout`, how long a
 * request's headers and body may take to arrive, and its `headersTimeout` no longer than that
 * (0: no limit on the whole, Node's 60 s on the headers). Node answers a late request through the
 * client-error handler, `userscopeClientErrorHandler`'s 408 `request_timeout`, and closes the connection.
 */
export function requestTimeoutOptions({ request_timeout }: Pick<GeneralConfig, 'request_timeout'>): { requestTimeout: number; http: ServerOptions } {
  // Whole milliseconds, as Fastify requires; at least 1 when there is a limit.
  const requestTimeout = request_timeout > 0 ? Math.max(1, toMilliseconds(request_timeout)) : 0;
  const headersTimeout = requestTimeout > 0 ? Math.min(NODE_HEADERS_TIMEOUT_MS, requestTimeout) : NODE_HEADERS_TIMEOUT_MS;
  return { requestTimeout, http: { connectionsCheckingInterval: CHECK_EVERY_MS, headersTimeout } };
}

/**
 * A host app's own adapter has Fastify's default, no request timeout at all. Userscope fills in
 * `general.request_timeout` on that server before it listens, so that slow senders cannot hold its
 * connections either. A server with a timeout of its own, or a config of 0, is left as it is; so is a
 * second server Fastify binds (`localhost` as ::1), which only the adapter's options reach. Node
 * reads these properties while it serves, and its check interval when the server starts listening.
 */
export function fillInRequestTimeout(server: Server | undefined, general: Pick<GeneralConfig, 'request_timeout'>): boolean {
  // http2 servers have no such timeout (undefined): nothing to fill in.
  if (typeof server?.requestTimeout !== 'number' || server.listening || server.requestTimeout > 0 || general.request_timeout <= 0) return false;
  const { requestTimeout, http } = requestTimeoutOptions(general);
  server.requestTimeout = requestTimeout;
  server.headersTimeout = Math.min(server.headersTimeout, http.headersTimeout!);
  const checked = server as Server & { connectionsCheckingInterval?: number };
  checked.connectionsCheckingInterval = Math.min(checked.connectionsCheckingInterval ?? CHECK_EVERY_MS, CHECK_EVERY_MS);
  return true;
}
