import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { SessionLifecycle, SessionRegistry } from '@userscope/runtime';

/**
 * The Prometheus metrics of one server. Session numbers are read from the runtime when scraped, so
 * the hot path only observes request latency.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly requestDuration = new Histogram({
    name: 'userscope_http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  constructor(sessions: SessionRegistry, lifecycle: SessionLifecycle) {
    collectDefaultMetrics({ register: this.registry, prefix: 'userscope_' });
    new Gauge({
      name: 'userscope_active_sessions',
      help: 'User sessions currently held',
      registers: [this.registry],
      collect() {
        this.set(sessions.size);
      },
    });
    const counter = (name: string, help: string, read: () => number) =>
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(read());
        },
      });
    counter('userscope_sessions_created_total', 'User sessions created', () => lifecycle.counters.created);
    counter('userscope_sessions_evicted_total', 'User sessions evicted (idle or LRU)', () => lifecycle.counters.evicted);
    counter('userscope_cleanup_errors_total', 'Per-user cleanups that threw', () => lifecycle.counters.cleanupErrors);
  }
}
