/** A sample as prom-client's Registry formats it (its typings name the type by an enum it does not use). */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

interface ScrapedHistogram {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: Sample[];
}

/** One label set's observations: what a request's `onResponse` adds to, without a lookup. */
export class LatencySeries {
  /** Observations at or below each bound, not yet cumulative (the scrape adds them up). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Readonly<Record<string, string>>,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]) {
        this.counts[i]++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/**
 * A Prometheus histogram whose series are made once and observed directly: prom-client's own
 * validates and hashes the labels and keys its buckets by number-as-string on every observation,
 * which was 2% of /generate's CPU (bench/RESULTS.md). It is registered in prom-client's Registry,
 * which calls `get()` when scraped, and its exposition matches prom-client's Histogram line for line.
 */
export class LatencyHistogram {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, LatencySeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly bounds: readonly number[],
  ) {}

  /** The series of these label values (in `labelNames` order), made on first use; keep it. */
  labels(...values: string[]): LatencySeries {
    const key = values.join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      const labels = Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]]));
      this.series.set(key, (series = new LatencySeries(labels, this.bounds)));
    }
    return series;
  }

  /** Zeroes every series (prom-client's `resetMetrics`); the series callers keep stay the ones scraped. */
  reset(): void {
    for (const series of this.series.values()) series.reset();
  }

  get(): Promise<ScrapedHistogram> {
    const values: Sample[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let below = 0;
      this.bounds.forEach((le, i) => {
        below += counts[i];
        values.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: below });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}
