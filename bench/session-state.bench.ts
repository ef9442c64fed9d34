import path from 'node:path';
import Redis from 'ioredis';
import { forkServer } from './harness/forked-server';
import { assertAllSucceeded, LoadResult, runLoad } from './harness/load';
import { assertSameReplies, replyTranscript } from './generate/conformance';
import { loadMix, USERS } from './generate/request-mix';
import { SequentialLatency, sequentialLatency } from './session-state/sequential-latency';

/** The two ways of serving the seed example this bench compares. */
export interface StateVariant {
  key: 'memory' | 'redis';
  label: string;
}

export const VARIANTS: StateVariant[] = [
  { key: 'memory', label: 'session_state: memory (single process)' },
  { key: 'redis', label: 'session_state: redis (a cluster of one)' },
];

export interface SessionStateBenchSettings {
  rounds: number;
  warmupSeconds: number;
  seconds: number;
  connections: number;
  /** Requests sent one at a time after the load, per round and variant. */
  sequentialRequests: number;
  redisUrl: string;
  /** Where the server processes run (the configs are read from there). */
  cwd: string;
}

/** BENCH_* as the generate bench reads them, with fewer rounds by default; REDIS_URL names the Redis. */
export function sessionStateSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): SessionStateBenchSettings {
  return {
    rounds: Number(env.BENCH_STATE_ROUNDS ?? 3),
    warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 2),
    seconds: Number(env.BENCH_SECONDS ?? 5),
    connections: Number(env.BENCH_CONNECTIONS ?? 50),
    sequentialRequests: Number(env.BENCH_STATE_SEQUENTIAL ?? 2000),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    cwd,
  };
}

export interface VariantMeasurements {
  variant: StateVariant;
  rounds: LoadResult[];
  median: { requestsPerSec: number; p50Ms: number; p99Ms: number };
  /** The round of highest throughput: the one the rest of the machine disturbed least. */
  best: LoadResult;
  /** One connection, one request at a time, per round. */
  sequential: SequentialLatency[];
  sequentialMedian: { p50Ms: number; p99Ms: number };
}

export interface SessionStateBenchReport {
  settings: SessionStateBenchSettings;
  users: number;
  /** Users with a saved state in Redis after each redis run: every user of the load and of the reply check. */
  savedUsers: number[];
  variants: VariantMeasurements[];
}

/**
 * POST /generate on the seed example with its users' state in memory, and checkpointed to Redis
 * after each call: a fresh server process per round and variant, the same reply check as the
 * generate bench (redis must answer byte for byte like memory), a warm-up that opens every user,
 * then the measured run. Between runs the bench's Redis keys are deleted, so each starts fresh.
 */
export async function runSessionStateBench(settings: SessionStateBenchSettings): Promise<SessionStateBenchReport> {
  const prefix = `userscope:bench:state:${process.pid}:`;
  const redis = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (error) {
    throw new Error(`The session-state bench needs Redis at ${settings.redisUrl} (set REDIS_URL): ${(error as Error).message}`);
  }
  const runs = new Map<StateVariant['key'], LoadResult[]>(VARIANTS.map((variant) => [variant.key, []]));
  const sequential = new Map<StateVariant['key'], SequentialLatency[]>(VARIANTS.map((variant) => [variant.key, []]));
  let reference: string[] | undefined;
  const savedUsers: number[] = [];
  try {
    for (let round = 0; round < settings.rounds; round++) {
      for (const variant of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
        await deleteKeys(redis, prefix);
        const server = await forkServer(path.join(__dirname, 'servers', 'session-state.server.js'), {
          cwd: settings.cwd,
          args: [variant.key],
          env: { ...process.env, USERSCOPE_CLUSTER_REDIS_URL: settings.redisUrl, BENCH_STATE_PREFIX: prefix },
        });
        try {
          const transcript = await replyTranscript(server.url);
          reference ??= variant.key === 'memory' ? transcript : undefined;
          if (reference) assertSameReplies(reference, transcript, variant.label);
          const load = { url: server.url, connections: settings.connections };
          assertAllSucceeded(await runLoad({ ...load, seconds: settings.warmupSeconds, next: loadMix() }), `${variant.label} warm-up`);
          const result = await runLoad({ ...load, seconds: settings.seconds, next: loadMix() });
          assertAllSucceeded(result, variant.label);
          if (variant.key === 'redis') savedUsers.push(await countKeys(redis, `${prefix}state:`));
          runs.get(variant.key)!.push(result);
          const alone = await sequentialLatency(server.url, settings.sequentialRequests, loadMix());
          sequential.get(variant.key)!.push(alone);
          console.log(
            `round ${round + 1}/${settings.rounds}  ${variant.label.padEnd(44)} ${Math.round(result.requestsPerSec)} req/s  ` +
              `p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms; one at a time p50 ${alone.p50Ms} ms  p99 ${alone.p99Ms} ms`,
          );
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await deleteKeys(redis, prefix).catch(() => undefined);
    redis.disconnect();
  }
  return {
    settings,
    users: USERS,
    savedUsers,
    variants: VARIANTS.map((variant) => {
      const rounds = runs.get(variant.key)!;
      const alone = sequential.get(variant.key)!;
      return {
        variant,
        rounds,
        median: {
          requestsPerSec: medianOf(rounds.map((r) => r.requestsPerSec)),
          p50Ms: medianOf(rounds.map((r) => r.p50Ms)),
          p99Ms: medianOf(rounds.map((r) => r.p99Ms)),
        },
        best: rounds.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a)),
        sequential: alone,
        sequentialMedian: { p50Ms: medianOf(alone.map((r) => r.p50Ms)), p99Ms: medianOf(alone.map((r) => r.p99Ms)) },
      };
    }),
  };
}

/** Every key under `prefix`, in pages. */
async function* keysUnder(redis: Redis, prefix: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (found.length > 0) yield found;
    cursor = next;
  } while (cursor !== '0');
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of keysUnder(redis, prefix)) await redis.del(...keys);
}

async function countKeys(redis: Redis, prefix: string): Promise<number> {
  let count = 0;
  for await (const keys of keysUnder(redis, prefix)) count += keys.length;
  return count;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
