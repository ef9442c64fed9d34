import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Redis from 'ioredis';
import { runMeasurement } from './harness/child-measurement';
import { deleteKeys } from './harness/redis-keys';
import { inRounds } from './harness/rounds';
import { startUserscopeWorker, UserscopeWorker } from './harness/userscope-worker.process';
import { forkModelServer, ModelServerStats } from './batch/model-server';
import type { CoordinatorParams, CoordinatorResult } from './batch-queue/coordinator.child';

/** How a run's executions are worked: in the coordinator itself, or as BullMQ jobs by worker processes. */
export interface QueueVariant {
  key: 'inline' | 'bullmq-1' | 'bullmq-2';
  label: string;
  /** `userscope worker` processes; 0: batch.queue inline, the coordinator runs every execution. */
  workers: number;
}

export const QUEUE_VARIANTS: QueueVariant[] = [
  { key: 'inline', label: 'inline (one process)', workers: 0 },
  { key: 'bullmq-1', label: 'bullmq, 1 worker process', workers: 1 },
  { key: 'bullmq-2', label: 'bullmq, 2 worker processes', workers: 2 },
];

export interface BatchQueueSettings {
  rounds: number;
  users: number;
  concurrency: number;
  latencyMs: number;
  warmupUsers: number;
  redisUrl: string;
  root: string;
}

/** BENCH_QUEUE_ROUNDS (3), BENCH_QUEUE_USERS (2000), BENCH_QUEUE_CONCURRENCY (100), REDIS_URL. */
export function batchQueueSettings(root: string, env: NodeJS.ProcessEnv = process.env): BatchQueueSettings {
  return {
    rounds: Number(env.BENCH_QUEUE_ROUNDS ?? 3),
    users: Number(env.BENCH_QUEUE_USERS ?? 2000),
    concurrency: Number(env.BENCH_QUEUE_CONCURRENCY ?? 100),
    latencyMs: 100,
    warmupUsers: 300,
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    root,
  };
}

/** One measured run: the coordinator's figures and what the model server saw (warm-up included). */
export interface QueueRound extends CoordinatorResult {
  model: ModelServerStats;
}

export interface BatchQueueReport {
  settings: BatchQueueSettings;
  /** users × latency / concurrency. */
  idealMs: number;
  variants: { variant: QueueVariant; rounds: QueueRound[] }[];
}

/** A round's processes of one variant under a key prefix of its own; `stop()` ends them and deletes the keys. */
interface QueueSubject {
  env: NodeJS.ProcessEnv;
  workers: UserscopeWorker[];
  stop(): Promise<void>;
}

const CONFIG_FILE = path.join('bench', 'fixtures', 'batch-queue.yml'); // under the repository root
const COORDINATOR = path.join(__dirname, 'batch-queue', 'coordinator.child.js');

/**
 * Issue #13's bench: the same run (users × one llm node, a fixed-latency model in its own process)
 * worked inline, and on BullMQ by one and by two `userscope worker` processes while the coordinator
 * works no jobs; each variant once a round in fresh processes, the order rotating.
 */
export async function runBatchQueueBench(settings: BatchQueueSettings): Promise<BatchQueueReport> {
  const model = await forkModelServer(settings.latencyMs);
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 });
  const runId = randomBytes(4).toString('hex');
  const configFile = path.join(settings.root, CONFIG_FILE);
  try {
    const results = await inRounds<QueueVariant, QueueSubject, QueueRound>({
      rounds: settings.rounds,
      variants: QUEUE_VARIANTS,
      async start(variant, round) {
        const prefix = `userscope:bench:queue:${runId}:${round}:${variant.key}:`;
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          MODEL_URL: model.url,
          REDIS_URL: settings.redisUrl,
          BATCH_KEY_PREFIX: prefix,
          BATCH_QUEUE: variant.workers > 0 ? 'bullmq' : 'inline',
          BATCH_WORKER: variant.workers > 0 ? 'false' : 'true',
        };
        const stop = async (workers: UserscopeWorker[]) => {
          await Promise.all(workers.map((worker) => worker.process.stop()));
          await deleteKeys(redis, prefix);
        };
        const workers: UserscopeWorker[] = [];
        try {
          for (let i = 0; i < variant.workers; i++) {
            workers.push(await startUserscopeWorker({ root: settings.root, configFile, env, concurrency: settings.concurrency }));
          }
        } catch (error) {
          await stop(workers);
          throw error;
        }
        return { env, workers, stop: () => stop(workers) };
      },
      async measure(subject, variant, round) {
        await model.stats(); // from 0
        const params: CoordinatorParams = {
          configFile,
          users: settings.users,
          warmupUsers: settings.warmupUsers,
          concurrency: settings.concurrency,
          workerPids: subject.workers.map((worker) => worker.process.pid),
        };
        const result = await runMeasurement<CoordinatorResult>(COORDINATOR, { cwd: settings.root, env: subject.env, params });
        const measured: QueueRound = { ...result, model: await model.stats() };
        console.log(
          `round ${round + 1}/${settings.rounds}  ${variant.label.padEnd(28)} ${measured.wallMs.toFixed(0)} ms  ` +
            `CPU ms: coordinator ${measured.coordinatorCpuMs.toFixed(0)}, workers ${measured.workersCpuMs.toFixed(0)}  ` +
            `model: ${measured.model.requests} calls, at most ${measured.model.maxInFlight} at once`,
        );
        return measured;
      },
    });
    return {
      settings,
      idealMs: (settings.users * settings.latencyMs) / settings.concurrency,
      variants: QUEUE_VARIANTS.map((variant) => ({ variant, rounds: results.get(variant)! })),
    };
  } finally {
    model.stop();
    redis.disconnect();
  }
}
