import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { FixedLatencyModelServer } from '../bench/harness/fixed-latency-model.server';
import { startServer, TestServer } from './support/test-server';
import { BatchApi, until } from './support/batch-api';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';

/** A rolling deploy, or two replicas: a second server on the same Redis while a run is live. */
describe('batch runs: two servers on one Redis', () => {
  if (!requireRedis('run lease', 'REDIS_URL')) return;

  const prefix = `userscope-test-lease-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const servers: TestServer[] = [];
  let model: FixedLatencyModelServer;

  const start = async () => {
    const env = { ...process.env, BATCH_STORE: 'redis', REDIS_URL, BATCH_KEY_PREFIX: prefix, MODEL_URL: model.url, RUN_LEASE_TTL: '1s' };
    const server = await startServer('test/fixtures/batch-llm.yml', env);
    servers.push(server);
    return new BatchApi(server.url);
  };

  beforeAll(async () => {
    await redis.connect();
    model = await FixedLatencyModelServer.start(40);
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await model.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('runs each (user, node) once: the second server leaves the live run to its owner', async () => {
    const users = Array.from({ length: 200 }, (_, i) => ({ id: `u${i}`, name: `User ${i}` }));
    const first = await start();
    await first.importUsers(users);
    const { runId } = await first.startRun({ workflowId: 'pair', all: true, concurrency: 8 });
    await until(() => model.requests >= 60);

    const second = await start();
    // Started mid-run: the run is still going, and the second server sees it in the store.
    expect(model.requests).toBeLessThan(400);
    expect((await second.get(`/api/runs/${runId}`)).json.status).toBe('running');

    const run = await first.finished(runId, 20_000);
    expect(run.status).toBe('completed');
    expect(run.progress).toMatchObject({ total: 200, succeeded: 200, failed: 0 });
    // Both lease periods have passed several times while the run was live; no second execution came.
    const calls = new Map<string, number>();
    for (const prompt of model.prompts) calls.set(prompt, (calls.get(prompt) ?? 0) + 1);
    expect(calls.size).toBe(400);
    expect([...calls].filter(([, count]) => count !== 1)).toEqual([]);
    expect(model.requests).toBe(400);

    // The totals are what the model billed (30 tokens a call), seen alike from both servers.
    for (const api of [first, second]) {
      expect((await api.get(`/api/runs/${runId}`)).json.progress).toMatchObject({ succeeded: 200 });
      expect((await api.get(`/api/runs/${runId}/analytics`)).json.totalTokens).toBe(400 * 30);
    }
  });
});
