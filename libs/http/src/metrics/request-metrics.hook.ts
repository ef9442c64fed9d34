import type { FastifyInstance } from 'fastify';
import type { Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics.registry';

/** Observes every request's latency, labelled by route template (not URL, to bound cardinality); the web page's files as `static`. */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  // One child per method/route/status, kept: labelling by object on every request costs more than the observation.
  const children = new Map<string, ReturnType<Histogram<'method' | 'route' | 'status'>['labels']>>();
  fastify.addHook('onResponse', (request, reply, done) => {
    // Read once: Fastify builds `routeOptions` anew on every read.
    const options = request.routeOptions;
    // @fastify/static adds a route per file of the web page, hashed names included: one label for them all.
    const route = (options.config as { file?: string } | undefined)?.file !== undefined ? 'static' : (options.url ?? 'unmatched');
    const key = `${request.method} ${route} ${reply.statusCode}`;
    let child = children.get(key);
    if (!child) {
      child = metrics.requestDuration.labels(request.method, route, String(reply.statusCode));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
}
