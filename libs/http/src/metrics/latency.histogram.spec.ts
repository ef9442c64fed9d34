import { Histogram, Registry } from 'prom-client';
import { LatencyHistogram } from './latency.histogram';

const NAME = 'test_request_duration_seconds';
const HELP = 'Latency by route and status';
const LABELS = ['method', 'route', 'status'] as const;
const BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Both histograms fed the same observations, each in a registry of its own. */
function pair() {
  const reference = new Registry();
  const prom = new Histogram({ name: NAME, help: HELP, labelNames: LABELS, buckets: BOUNDS, registers: [reference] });
  const ours = new Registry();
  const latency = new LatencyHistogram(NAME, HELP, LABELS, BOUNDS);
  ours.registerMetric(latency as never);
  const observe = (labels: [string, string, string], seconds: number) => {
    prom.labels(...labels).observe(seconds);
    latency.labels(...labels).observe(seconds);
  };
  return { reference, ours, prom, latency, observe };
}

describe('LatencyHistogram', () => {
  it("scrapes line for line as prom-client's Histogram: bounds hit exactly, above the last bound, several series", async () => {
    const { reference, ours, observe } = pair();
    const values = [0, 0.0004, 0.001, 0.0011, 0.0025, 0.07, 0.1, 3, 30, 31, 120];
    values.forEach((seconds, i) => observe(['POST', '/generate', i % 3 ? '200' : '400'], seconds));
    observe(['GET', 'static', '200'], 0.002);
    observe(['GET', 'a "quoted"\\route\n', '200'], 0.2); // label values escaped as prom-client does
    const expected = await reference.metrics();
    expect(expected).toContain(`${NAME}_bucket{le="+Inf",method="POST",route="/generate",status="200"}`);
    expect(await ours.metrics()).toBe(expected);
    // The same samples as JSON too, but for the exemplar slot prom-client leaves null without exemplars.
    const withoutExemplars = (metrics: { values: object[] }[]) => metrics.map((m) => ({ ...m, values: m.values.map(({ exemplar: _, ...sample }: { exemplar?: unknown }) => sample) }));
    expect(await ours.getMetricsAsJSON()).toEqual(withoutExemplars(await reference.getMetricsAsJSON()));
  });

  it('gives the same series for the same label values, and a series kept by its caller counts on after a reset', async () => {
    const { reference, ours, latency, observe } = pair();
    const kept = latency.labels('POST', '/generate', '200');
    expect(latency.labels('POST', '/generate', '200')).toBe(kept);
    expect(latency.labels('POST', '/generate', '201')).not.toBe(kept);
    observe(['POST', '/generate', '200'], 0.004);
    reference.resetMetrics();
    ours.resetMetrics();
    kept.observe(0.3);
    const text = await ours.metrics();
    expect(text).toMatch(new RegExp(`^${NAME}_count\\{method="POST",route="/generate",status="200"\\} 1$`, 'm'));
    expect(text).toMatch(new RegExp(`^${NAME}_bucket\\{le="0.25",method="POST",route="/generate",status="200"\\} 0$`, 'm'));
    expect(text).toMatch(new RegExp(`^${NAME}_bucket\\{le="0.5",method="POST",route="/generate",status="200"\\} 1$`, 'm'));
    expect(text).toMatch(new RegExp(`^${NAME}_sum\\{method="POST",route="/generate",status="200"\\} 0.3$`, 'm'));
  });
});
