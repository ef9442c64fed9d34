import type { FastifyInstance } from 'fastify';
import { coveredByGenerateLane } from '@userscope/runtime';
import { MetricsRegistry } from './metrics.registry';

/** Observes every request's latency, labelled by route template (not URL, to bound cardinality); the web page's files as `static`. */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  // The /generate lane observes the requests it answers itself (generate-lane/generate.lane.ts).
  fastify.addHook(
    'onResponse',
    coveredByGenerateLane((request, reply, done) => {
      // Read once: Fastify builds `routeOptions` anew on every read.
      const options = request.routeOptions;
      // @fastify/static adds a route per file of the web page, hashed names included: one label for them all.
      const route = (options.config as { file?: string } | undefined)?.file !== undefined ? 'static' : (options.url ?? 'unmatched');
      metrics.observeRequest(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
      done();
    }),
  );
}
