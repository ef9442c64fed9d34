import { context, propagation } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';

/**
 * Honours a caller's W3C `traceparent` (and `tracestate`): the route's handler runs in the caller's
 * trace context, so the request's `invoke_agent` span is a child of the caller's span. A Fastify
 * preHandler, the last step before the handler, whose `done()` calls it: every await after keeps the
 * context. (A Nest interceptor would do the same, but any interceptor costs every route its machinery.)
 */
export function registerTraceContext(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (request.headers.traceparent === undefined) return done();
    context.with(propagation.extract(context.active(), request.headers), done);
  });
}
