import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FixedLatencyModelServer } from '../bench/harness/fixed-latency-model.server';
import { BatchApi, until } from './support/batch-api';
import { CliWorker, startCliWorker } from './support/cli-server';
import { OwnRedisServer, requireRedis } from './support/redis';
import { startServer, TestServer } from './support/test-server';

const CONFIG = 'test/fixtures/batch-llm.yml';
const OUTAGE_MS = 5000;
const USERS = 60;

/** The Redis of a queued run (the test's own, on its own port) stalls mid-run, under a server and a worker process. */
describe('batch runs on BullMQ workers through a Redis outage', () => {
  if (!requireRedis('batch queue outage', 'redis-server')) return;

  const dir = mkdtempSync(join(tmpdir(), 'userscope-queue-redis-'));
  let redis: OwnRedisServer;
  let model: FixedLatencyModelServer;
  let server: TestServer;
  let worker: CliWorker;

  beforeAll(async () => {
    redis = await OwnRedisServer.start(dir);
    model = await FixedLatencyModelServer.start(100);
    const env = {
      BATCH_STORE: 'redis', BATCH_QUEUE: 'bullmq', REDIS_URL: redis.url, BATCH_KEY_PREFIX: 'queue-outage:',
      MODEL_URL: model.url, REDIS_COMMAND_TIMEOUT: '500ms', JOB_LOCK: '20s', ADMIN_TOKEN: '',
    };
    server = await startServer(CONFIG, { ...process.env, ...env, BATCH_WORKER: 'false' });
    worker = await startCliWorker(CONFIG, env, 10);
  }, 60_000);
  afterAll(async () => {
    await worker?.process.stop(5000);
    await server?.close();
    await model?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`stalled ${OUTAGE_MS / 1000} s (SIGSTOP): the run waits and completes, every user's model call made once`, async () => {
    const api = new BatchApi(server.url);
    await api.importUsers(Array.from({ length: USERS }, (_, i) => ({ id: `o${i}`, name: `Outage ${i}`, role: 'Tester' })));
    const { runId } = await api.startRun({ workflowId: 'script', all: true, concurrency: 6 });
    await until(() => model.requests >= 12, 20_000);
    redis.pause();
    try {
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
      expect(model.requests).toBeLessThan(USERS); // held up while Redis was away
    } finally {
      redis.resume();
    }
    const run = await api.finished(runId, 60_000);
    expect(run).toMatchObject({ status: 'completed', progress: { total: USERS, succeeded: USERS, failed: 0 } });
    // The calls answered during the outage kept their results: none was made again.
    expect(model.requests).toBe(USERS);
    expect(new Set(model.prompts).size).toBe(USERS);
    expect(run.executions.filter((e: { attempts: number }) => e.attempts !== 1)).toEqual([]);
    expect(run.tokens).toBe(USERS * 30);
  }, 90_000);
});
