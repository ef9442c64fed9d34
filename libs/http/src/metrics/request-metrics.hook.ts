import type { FastifyInstance } from 'fastify';
import { MetricsRegistry } from './metrics.registry';

/** Observes every request's latency, labelled by route template (not URL, to bound cardinality). */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
