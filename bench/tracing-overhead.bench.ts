import path from 'node:path';
import { forkServer } from './harness/forked-server';
import { LoadResult } from './harness/load';
import { OtlpReceiver } from './harness/otlp-receiver';
import { inRounds } from './harness/rounds';
import { medianLoad, medianOf } from './harness/stats';
import { CheckedLoad } from './generate/checked-load';
import { USERS } from './generate/request-mix';

/** The two ways the same server (servers/tracing.server.ts) runs. */
export interface TracingVariant {
  key: 'off' | 'on';
  label: string;
}

export const TRACING_VARIANTS: TracingVariant[] = [
  { key: 'off', label: 'tracing off (no general.telemetry; package not loaded)' },
  { key: 'on', label: 'tracing on, sample_ratio 1, OTLP HTTP to loopback' },
];

export interface TracingOverheadSettings {
  rounds: number;
  warmupSeconds: number;
  seconds: number;
  connections: number;
  cwd: string;
}

/** Small by default (about a minute): BENCH_TRACING_ROUNDS, and the generate bench's other BENCH_* variables. */
export function tracingOverheadSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): TracingOverheadSettings {
  return {
    rounds: Number(env.BENCH_TRACING_ROUNDS ?? 3),
    warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 2),
    seconds: Number(env.BENCH_SECONDS ?? 5),
    connections: Number(env.BENCH_CONNECTIONS ?? 50),
    cwd,
  };
}

export interface TracingVariantMeasurements {
  variant: TracingVariant;
  rounds: LoadResult[];
  median: { requestsPerSec: number; p50Ms: number; p99Ms: number };
}

export interface TracingOverheadReport {
  settings: TracingOverheadSettings;
  users: number;
  variants: TracingVariantMeasurements[];
  /** What the receiver got from the traced rounds. */
  exports: number;
  exportedBytes: number;
  /**
   * Per traced round: spans received / requests sent (reply check, warm-up, measured run), the
   * server stopped first so that its last spans are flushed. The mix is the same every round, so a
   * round with fewer has dropped spans (the SDK's queue overflowing) and measured less work.
   */
  spansPerRequest: number[];
}

/** The SDK's span queue for the traced server: large enough that this load drops none (OTEL_BSP_MAX_QUEUE_SIZE, 2048 by default). */
export const BENCH_SPAN_QUEUE = 65_536;

/**
 * POST /generate on the seed example with tracing off and on, the same server module and load
 * (the /generate bench's mix and reply check), a fresh process per round and variant, the order
 * rotated each round; the spans go to an OTLP receiver in this process that only counts them.
 */
export async function runTracingOverheadBench(settings: TracingOverheadSettings): Promise<TracingOverheadReport> {
  const receiver = await OtlpReceiver.start({ keep: false });
  const load = new CheckedLoad(settings);
  const spansPerRequest: number[] = [];
  let requestsOfRound = 0;
  try {
    const runs = await inRounds({
      rounds: settings.rounds,
      variants: TRACING_VARIANTS,
      async start(variant) {
        const traced = variant.key === 'on';
        const server = await forkServer(path.join(__dirname, 'servers', 'tracing.server.js'), {
          cwd: settings.cwd,
          env: { ...process.env, ...(traced ? { BENCH_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_MAX_QUEUE_SIZE: String(BENCH_SPAN_QUEUE) } : {}) },
        });
        if (!traced) return server;
        const spansBefore = receiver.spanCount;
        return {
          ...server,
          stop: async () => {
            await server.stop();
            spansPerRequest.push((receiver.spanCount - spansBefore) / requestsOfRound);
          },
        };
      },
      async measure(server, variant, round) {
        const checked = await load.checkReplies(server.url, variant.label, variant.key === 'off');
        const warmUp = await load.warmUp(server.url, variant.label);
        const result = await load.measure(server.url, variant.label);
        requestsOfRound = checked + warmUp.requests + result.requests;
        console.log(`round ${round + 1}/${settings.rounds}  ${variant.label.padEnd(56)} ${Math.round(result.requestsPerSec)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms`);
        return result;
      },
    });
    if (receiver.exports === 0) throw new Error('tracing on exported no spans: the measurement of "on" measured nothing');
    return {
      settings,
      users: USERS,
      variants: TRACING_VARIANTS.map((variant) => ({ variant, rounds: runs.get(variant)!, median: medianLoad(runs.get(variant)!) })),
      exports: receiver.exports,
      exportedBytes: receiver.bytes,
      spansPerRequest,
    };
  } finally {
    await receiver.close();
  }
}

/** Tracing on / off: req/s (median, and per round: both ran back to back) and p99. */
export function tracingRatios(report: TracingOverheadReport) {
  const [off, on] = (['off', 'on'] as const).map((key) => report.variants.find((v) => v.variant.key === key)!);
  const throughputPerRound = on.rounds.map((run, i) => run.requestsPerSec / off.rounds[i].requestsPerSec);
  return {
    throughput: on.median.requestsPerSec / off.median.requestsPerSec,
    throughputPerRound,
    // Both variants of a round ran back to back: a burst of other work on the machine spoils one round, not the ratio of all.
    medianOfRounds: medianOf(throughputPerRound),
    p99: on.median.p99Ms / off.median.p99Ms,
  };
}
