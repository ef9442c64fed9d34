import { Injectable, Optional } from '@nestjs/common';
import { Counter, CounterConfiguration, Gauge, GaugeConfiguration, Histogram, HistogramConfiguration, Metric, Registry, collectDefaultMetrics } from 'prom-client';
import { ProcessFaultListener, SessionLifecycle, SessionRegistry } from '@userscope/runtime';
import { TokenAccounting } from '@userscope/llm';
import { LatencyHistogram, LatencySeries } from './latency.histogram';

/**
 * The Prometheus metrics of one server. Session numbers are read from the runtime when scraped, so
 * the hot path only observes request latency.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  /** Observed on every request: series kept by the caller (see LatencyHistogram). */
  readonly requestDuration = new LatencyHistogram(
    'userscope_http_request_duration_seconds',
    'HTTP request latency by route and status',
    ['method', 'route', 'status'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );

  // One series per route/method/status, kept: labelling on every request costs more than the
  // observation. Looked up by its three parts, so a request builds no key string.
  private readonly requestSeries = new Map<string, Map<string, Map<number, LatencySeries>>>();

  constructor(sessions: SessionRegistry, lifecycle: SessionLifecycle, faults: ProcessFaultListener, @Optional() tokens?: TokenAccounting) {
    this.registry.registerMetric(this.requestDuration as unknown as Metric); // prom-client's Metric shape, duck-typed
    collectDefaultMetrics({ register: this.registry, prefix: 'userscope_' });
    // Gauges named like counters (promtool refuses `*_total` gauges); the per-type gauges beside them hold the same.
    for (const name of ['active_resources_total', 'active_handles_total', 'active_requests_total']) this.registry.removeSingleMetric(`userscope_nodejs_${name}`);
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
    counter('userscope_unhandled_rejections_total', 'Promise rejections a function left unhandled (logged; the server kept serving)', () => faults.counters.unhandledRejections);
    if (tokens) registerLlmMetrics(this.registry, tokens);
  }

  /** Records one request's latency, labelled by route template (never by URL: the labels stay bounded). */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    let byMethod = this.requestSeries.get(route);
    if (!byMethod) this.requestSeries.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (!series) byStatus.set(status, (series = this.requestDuration.labels(method, route, String(status))));
    series.observe(seconds);
  }

  /** A gauge of another library (batch) in this registry; prom-client stays this package's dependency alone. */
  gauge<T extends string>(config: Omit<GaugeConfiguration<T>, 'registers'>): Gauge<T> {
    return new Gauge({ ...config, registers: [this.registry] });
  }

  counter<T extends string>(config: Omit<CounterConfiguration<T>, 'registers'>): Counter<T> {
    return new Counter({ ...config, registers: [this.registry] });
  }

  histogram<T extends string>(config: Omit<HistogramConfiguration<T>, 'registers'>): Histogram<T> {
    return new Histogram({ ...config, registers: [this.registry] });
  }
}

/**
 * Tokens, calls and retries of each configured LLM (tokens and calls by the model that answered
 * too), read from the token accounting when scraped. Never by user: per-user figures are the usage
 * API's, and a label per user would grow the series without bound.
 */
function registerLlmMetrics(registry: Registry, tokens: TokenAccounting): void {
  new Counter({
    name: 'userscope_llm_tokens_total',
    help: 'LLM tokens by LLM, model and kind (prompt, completion): the server\'s usage, else counted with a tokenizer',
    labelNames: ['llm', 'model', 'kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { llm, model, prompt_tokens, completion_tokens } of tokens.byModel()) {
        this.inc({ llm, model, kind: 'prompt' }, prompt_tokens);
        this.inc({ llm, model, kind: 'completion' }, completion_tokens);
      }
    },
  });
  new Counter({
    name: 'userscope_llm_calls_total',
    help: 'LLM calls that got a reply, by LLM and model',
    labelNames: ['llm', 'model'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { llm, model, calls } of tokens.byModel()) this.inc({ llm, model }, calls);
    },
  });
  new Counter({
    name: 'userscope_llm_retries_total',
    help: 'LLM calls retried (429, 5xx, timeouts), by LLM',
    labelNames: ['llm'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [llm, totals] of tokens.byLlm()) this.inc({ llm }, totals.retries);
    },
  });
}
