import path from 'node:path';
import Redis from 'ioredis';
import { forkServer } from './harness/forked-server';
import { LoadResult } from './harness/load';
import { countKeys, deleteKeys } from './harness/redis-keys';
import { inRounds } from './harness/rounds';
import { medianLoad, medianOf } from './harness/stats';
import { CheckedLoad } from './generate/checked-load';
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
  const seed = new CheckedLoad(settings);
  const savedUsers: number[] = [];
  let runs: Map<StateVariant, { load: LoadResult; alone: SequentialLatency }[]>;
  try {
    runs = await inRounds({
      rounds: settings.rounds,
      variants: VARIANTS,
      async start(variant) {
        await deleteKeys(redis, prefix);
        return forkServer(path.join(__dirname, 'servers', 'session-state.server.js'), {
          cwd: settings.cwd,
          args: [variant.key],
          env: { ...process.env, USERSCOPE_CLUSTER_REDIS_URL: settings.redisUrl, BENCH_STATE_PREFIX: prefix },
        });
      },
      async measure(server, variant, round) {
        await seed.checkReplies(server.url, variant.label, variant.key === 'memory');
        await seed.warmUp(server.url, variant.label);
        const load = await seed.measure(server.url, variant.label);
        if (variant.key === 'redis') savedUsers.push(await countKeys(redis, `${prefix}state:`));
        const alone = await sequentialLatency(server.url, settings.sequentialRequests, loadMix());
        console.log(
          `round ${round + 1}/${settings.rounds}  ${variant.label.padEnd(44)} ${Math.round(load.requestsPerSec)} req/s  ` +
            `p50 ${load.p50Ms} ms  p99 ${load.p99Ms} ms; one at a time p50 ${alone.p50Ms} ms  p99 ${alone.p99Ms} ms`,
        );
        return { load, alone };
      },
    });
  } finally {
    await deleteKeys(redis, prefix).catch(() => undefined);
    redis.disconnect();
  }
  return {
    settings,
    users: USERS,
    savedUsers,
    variants: VARIANTS.map((variant) => {
      const rounds = runs.get(variant)!.map((run) => run.load);
      const alone = runs.get(variant)!.map((run) => run.alone);
      return {
        variant,
        rounds,
        median: medianLoad(rounds),
        best: rounds.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a)),
        sequential: alone,
        sequentialMedian: { p50Ms: medianOf(alone.map((r) => r.p50Ms)), p99Ms: medianOf(alone.map((r) => r.p99Ms)) },
      };
    }),
  };
}
