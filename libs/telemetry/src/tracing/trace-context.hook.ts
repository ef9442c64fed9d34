import type { FastifyInstance } from 'fastify';
import { coveredByGenerateLane, inCallerTraceContext } from '@userscope/runtime';

/**
 * Honours a caller's W3C `traceparent` (and `tracestate`): the route's handler runs in the caller's
 * trace context, so the request's `invoke_agent` span is a child of the caller's span. A Fastify
 * preHandler, the last step before the handler, whose `done()` calls it: every await after keeps the
 * context. (A Nest interceptor would do the same, but any interceptor costs every route its machinery.)
 * The /generate lane runs its requests in the same context itself, so this hook leaves it on.
 */
export function registerTraceContext(fastify: FastifyInstance): void {
  fastify.addHook(
    'preHandler',
    coveredByGenerateLane((request, _reply, done) => inCallerTraceContext(request.headers, done)),
  );
}
