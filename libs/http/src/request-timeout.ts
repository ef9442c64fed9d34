import type { ServerOptions } from 'node:http';
import { GeneralConfig } from '@userscope/runtime';

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
  const requestTimeout = request_timeout * 1000;
  const headersTimeout = requestTimeout > 0 ? Math.min(NODE_HEADERS_TIMEOUT_MS, requestTimeout) : NODE_HEADERS_TIMEOUT_MS;
  return { requestTimeout, http: { connectionsCheckingInterval: CHECK_EVERY_MS, headersTimeout } };
}
