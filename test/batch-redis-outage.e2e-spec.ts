import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, TestServer } from './support/test-server';
import { ApiReply, BatchApi, makeUsers, until } from './support/batch-api';
import { OwnRedisServer, requireRedis } from './support/redis';
import { BatchProbe } from './fixtures/batch.plugin';

const OUTAGE_MS = 10_000;

/** The batch store's Redis stalls or crashes mid-run (a Redis of the test's own, on its own port). */
describe('batch runs through a Redis outage', () => {
  if (!requireRedis('Redis outage', 'redis-server')) return;

  const dir = mkdtempSync(join(tmpdir(), 'userscope-redis-'));
  let redis: OwnRedisServer;
  let server: TestServer | undefined;
  let prefix = 0;

  const start = async () => {
    const env = { ...process.env, BATCH_STORE: 'redis', REDIS_URL: redis.url, BATCH_KEY_PREFIX: `outage-${++prefix}:`, REDIS_COMMAND_TIMEOUT: '500ms', ADMIN_TOKEN: '' };
    server = await startServer('test/fixtures/batch.yml', env);
    return new BatchApi(server.url);
  };
  /** Starts a run of 40 slow users, 4 at a time, and waits until it is a fifth done. */
  const startRun = async (api: BatchApi) => {
    const users = makeUsers(40, 'o');
    await api.importUsers(users);
    BatchProbe.slowMs = 50;
    const { runId } = await api.startRun({ workflowId: 'slow', userIds: users.map((u) => u.id), concurrency: 4 });
    await until(async () => (await api.get(`/api/runs/${runId}`)).json.progress.succeeded >= 8);
    return runId;
  };
  const expectUnavailable = (reply: ApiReply) => {
    expect(reply.status).toBe(503);
    expect(reply.json).toMatchObject({ code: 'store_unavailable', details: { store: `redis at 127.0.0.1:${redis.port}` } });
    expect(reply.json.message).toContain(`The batch store (redis at 127.0.0.1:${redis.port}) is not answering`);
    expect(reply.headers.get('retry-after')).toBe('5');
  };
  /** Held up, not failed: the server still has it running in memory, nothing failed and some left. */
  const expectHeldUp = async (api: BatchApi, runId: string) => {
    const run = (await api.get(`/api/runs/${runId}`)).json;
    expect(run.status).toBe('running');
    expect(run.progress).toMatchObject({ failed: 0 });
    expect(run.progress.succeeded).toBeLessThan(40);
  };
  /** Completed, each execution succeeded at its first attempt and each user's function completed once. */
  const expectCompletedOnce = async (api: BatchApi, runId: string) => {
    const run = await api.finished(runId, 20_000);
    expect(run.status).toBe('completed');
    expect(run.progress).toEqual({ total: 40, pending: 0, running: 0, succeeded: 40, failed: 0, cancelled: 0 });
    expect(run.executions.filter((e: { attempts: number }) => e.attempts !== 1)).toEqual([]);
    expect(BatchProbe.completions.size).toBe(40);
    expect([...BatchProbe.completions].filter(([, count]) => count !== 1)).toEqual([]);
    expect((await api.get(`/api/runs/${runId}/results`)).json.users).toHaveLength(40);
  };

  beforeAll(async () => {
    redis = await OwnRedisServer.start(dir);
  });
  beforeEach(() => BatchProbe.reset());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`stalled ${OUTAGE_MS / 1000} s (SIGSTOP): the run waits and completes; meanwhile the API answers 503 store_unavailable and /health/ready 503`, async () => {
    const api = await start();
    const runId = await startRun(api);
    redis.pause();
    const resumeAt = Date.now() + OUTAGE_MS;
    try {
      const ready = await api.get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.json).toMatchObject({ status: 'unavailable', checks: { store: { status: 'down' } } });
      expect((await api.get('/health')).status).toBe(200); // liveness: the process is fine
      expectUnavailable(await api.get('/api/users'));
      await expectHeldUp(api, runId);
      await new Promise((resolve) => setTimeout(resolve, resumeAt - Date.now()));
      await expectHeldUp(api, runId);
    } finally {
      redis.resume();
    }
    await expectCompletedOnce(api, runId);
    expect((await api.get('/health/ready')).json).toEqual({ status: 'ready', checks: { store: { status: 'up' } } });
  }, 40_000);

  it('killed and restarted with its data: the run waits and completes; starting a run meanwhile is 503 store_unavailable', async () => {
    const api = await start();
    const runId = await startRun(api);
    await redis.kill();
    try {
      await until(async () => (await api.get('/health/ready')).status === 503);
      expectUnavailable(await api.post('/api/runs', { workflowId: 'slow', all: true }));
      await expectHeldUp(api, runId);
    } finally {
      await redis.restart();
    }
    await expectCompletedOnce(api, runId);
  }, 40_000);

  it('cancel answers while the store is stalled, takes effect once it is back, and retry-failed then finishes the run', async () => {
    const api = await start();
    const runId = await startRun(api);
    redis.pause();
    let cancelled: ApiReply;
    try {
      cancelled = await api.post(`/api/runs/${runId}/cancel`);
    } finally {
      redis.resume();
    }
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    // What was in flight stops once its writes go through.
    await until(async () => (await api.get(`/api/runs/${runId}`)).json.progress.running === 0);
    const run = (await api.get(`/api/runs/${runId}`)).json;
    expect(run.status).toBe('cancelled');
    expect(run.progress).toMatchObject({ pending: 0, running: 0, failed: 0 });
    expect(run.progress.cancelled).toBeGreaterThan(0);

    expect((await api.post(`/api/runs/${runId}/retry-failed`)).status).toBe(202);
    const retried = await api.finished(runId);
    expect(retried.status).toBe('completed');
    expect(retried.progress).toMatchObject({ total: 40, succeeded: 40 });
  });
});
