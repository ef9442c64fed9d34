import type { FastifyInstance } from 'fastify';
import type { LatencySeries } from './latency.histogram';
import { MetricsRegistry } from './metrics.registry';

/** Observes every request's latency, labelled by route template (not URL, to bound cardinality); the web page's files as `static`. */
export function registerRequestMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  // One series per route/method/status, kept: labelling on every request costs more than the
  // observation. Looked up by its three parts, so a request builds no key string.
  const children = new Map<string, Map<string, Map<number, LatencySeries>>>();
  const seriesOf = (route: string, method: string, status: number): LatencySeries => {
    let byMethod = children.get(route);
    if (!byMethod) children.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) byStatus.set(status, (series = metrics.requestDuration.labels(method, route, String(status))));
    return series;
  };
  fastify.addHook('onResponse', (request, reply, done) => {
    // Read once: Fastify builds `routeOptions` anew on every read.
    const options = request.routeOptions;
    // @fastify/static adds a route per file of the web page, hashed names included: one label for them all.
    const route = (options.config as { file?: string } | undefined)?.file !== undefined ? 'static' : (options.url ?? 'unmatched');
    seriesOf(route, request.method, reply.statusCode).observe(reply.elapsedTime / 1000);
    done();
  });
}
