import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { startServer, TestServer } from './support/test-server';
import { BatchApi, makeUsers, until } from './support/batch-api';
import { BatchProbe, Gate } from './fixtures/batch.plugin';
import { REDIS_URL, redisAnswers, START_REDIS } from './support/redis-availability';

const CONFIG = 'test/fixtures/batch.yml';

const available = redisAnswers(REDIS_URL);
const required = process.env.CI === 'true';
if (!available && !required) {
  console.warn(`!!! Redis at ${REDIS_URL} does not answer: the Redis batch-store tests are SKIPPED. Start one with: ${START_REDIS} (or set REDIS_URL) !!!`);
}

describe('batch store: Redis', () => {
  if (!available) {
    if (required) {
      it('needs a Redis server under CI', () => {
        throw new Error(`Redis at ${REDIS_URL} does not answer; CI=true requires it. Start one with: ${START_REDIS}`);
      });
    } else {
      // Skipped, loudly, only outside CI when the machine lacks it; under CI=true the test above fails instead.
      it.skip(`needs Redis at ${REDIS_URL}`, () => undefined);
    }
    return;
  }

  const prefix = `userscope-test-${randomBytes(6).toString('hex')}:`;
  const env = { ...process.env, BATCH_STORE: 'redis', REDIS_URL, BATCH_KEY_PREFIX: prefix, ADMIN_TOKEN: '' };
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let server: TestServer | undefined;

  const start = async () => {
    server = await startServer(CONFIG, env);
    return new BatchApi(server.url);
  };
  const restart = async () => {
    await server?.close();
    server = undefined;
    return start();
  };

  beforeAll(() => redis.connect());
  beforeEach(() => BatchProbe.reset());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(async () => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('keeps users, workflows, runs and results across a restart', async () => {
    let api = await start();
    await api.importUsers([
      { id: 'alice', name: 'Alice Johnson', tokens: 12, preferences: { platform: 'LinkedIn' } },
      { id: 'bob', name: 'Bob Smith', tokens: 30 },
    ]);
    const workflow = { id: 'hello', name: 'Hello', nodes: [{ id: 't', type: 'template', template: 'Hello {{user:name}} on {{user:preferences.platform}}' }], on_missing: 'empty' };
    expect((await api.post('/api/workflows', workflow)).status).toBe(201);
    const { runId } = await api.startRun({ workflowId: 'profile', all: true });
    expect((await api.finished(runId)).status).toBe('completed');
    const before = {
      users: (await api.get('/api/users/export')).json,
      workflows: (await api.get('/api/workflows')).json,
      run: (await api.get(`/api/runs/${runId}`)).json,
      history: (await api.get('/api/runs')).json,
      results: (await api.get(`/api/runs/${runId}/results`)).json,
      analytics: (await api.get(`/api/runs/${runId}/analytics`)).json,
    };
    expect(before.users).toHaveLength(2);
    expect(before.workflows.find((w: { id: string }) => w.id === 'hello')).toMatchObject({ source: 'api' });
    expect(before.analytics.totalTokens).toBe(42);
    expect(await redis.exists(`${prefix}users`, `${prefix}workflows`, `${prefix}runs`, `${prefix}run:${runId}:results`)).toBe(4);

    api = await restart();
    expect((await api.get('/api/users/export')).json).toEqual(before.users);
    expect((await api.get('/api/users/alice')).json).toEqual({ id: 'alice', name: 'Alice Johnson', tokens: 12, preferences: { platform: 'LinkedIn' } });
    expect((await api.get('/api/workflows')).json).toEqual(before.workflows);
    expect((await api.get(`/api/runs/${runId}`)).json).toEqual(before.run);
    expect((await api.get('/api/runs')).json).toEqual(before.history);
    const results = (await api.get(`/api/runs/${runId}/results`)).json;
    expect(results).toEqual(before.results);
    expect(results.users.map((u: any) => u.final)).toEqual([
      { greeting: 'Hello Alice Johnson', tokens: 12, tags: ['batch', 'fixture'] },
      { greeting: 'Hello Bob Smith', tokens: 30, tags: ['batch', 'fixture'] },
    ]);
    expect((await api.get(`/api/runs/${runId}/analytics`)).json).toEqual(before.analytics);

    // Changes after the restart are kept too.
    expect((await api.delete('/api/workflows/hello')).status).toBe(204);
    expect((await api.delete('/api/users/bob')).status).toBe(204);
    api = await restart();
    expect((await api.get('/api/workflows/hello')).status).toBe(404);
    expect((await api.get('/api/users')).json.items.map((u: { id: string }) => u.id)).toEqual(['alice']);
  });

  it('launches a retry once when retry-failed is asked twice at the same time', async () => {
    const api = await start();
    await api.importUsers([
      { id: 'x1', name: 'X One' },
      { id: 'x2', name: 'X Two' },
    ]);
    BatchProbe.alwaysFail.add('x1');
    const { runId } = await api.startRun({ workflowId: 'flaky', userIds: ['x1', 'x2'] });
    expect((await api.finished(runId)).progress).toMatchObject({ succeeded: 1, failed: 1 });
    BatchProbe.alwaysFail.clear();
    const gate = (BatchProbe.gate = new Gate()); // holds the retried execution until both replies are in
    const replies = await Promise.all([api.post(`/api/runs/${runId}/retry-failed`), api.post(`/api/runs/${runId}/retry-failed`)]);
    gate.open();
    expect(replies.map((r) => r.status).sort()).toEqual([202, 409]);
    expect(replies.find((r) => r.status === 409)!.json.message).toBe(`Run '${runId}' is already running.`);
    const run = await api.finished(runId);
    expect(run.progress).toMatchObject({ succeeded: 2, failed: 0 });
    expect(BatchProbe.attempts.get('x1')).toBe(4);
  });

  it('resumes a run a restart interrupted; no user is executed twice to completion', async () => {
    let api = await start();
    const users = makeUsers(80, 'r');
    await api.importUsers(users);
    BatchProbe.slowMs = 20; // 80 users, 4 at a time: 400 ms or more, so the restart lands midway
    const { runId } = await api.startRun({ workflowId: 'slow', userIds: users.map((u) => u.id), concurrency: 4 });
    await until(async () => (await api.get(`/api/runs/${runId}`)).json.progress.succeeded >= 8);
    await server!.close();
    server = undefined;

    // Interrupted: the stored run is still running, some executions not done.
    const stored = JSON.parse((await redis.hget(`${prefix}runs`, runId))!);
    expect(stored.status).toBe('running');
    const executions = Object.values(await redis.hgetall(`${prefix}run:${runId}:executions`)).map((json) => JSON.parse(json));
    const done = executions.filter((e) => e.status === 'succeeded').length;
    expect(done).toBeGreaterThanOrEqual(8);
    expect(done).toBeLessThan(80);
    expect(executions.filter((e) => e.status === 'running')).toEqual([]);

    api = await start();
    const run = await api.finished(runId);
    expect(run.status).toBe('completed');
    expect(run.progress).toEqual({ total: 80, pending: 0, running: 0, succeeded: 80, failed: 0, cancelled: 0 });
    expect(BatchProbe.completions.size).toBe(80);
    expect([...BatchProbe.completions.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    const results = (await api.get(`/api/runs/${runId}/results`)).json.users;
    // In one order, the stores' and the run's: by user name.
    expect(results.map((r: { userId: string }) => r.userId)).toEqual(users.map((u) => u.id));
    expect(run.executions.map((e: { userId: string }) => e.userId)).toEqual(users.map((u) => u.id));
    for (const result of results) {
      const user = users.find((u) => u.id === result.userId)!;
      expect(result.final).toBe(`${user.name} done (1)`);
      expect(result.nodes.map((n: { nodeId: string }) => n.nodeId)).toEqual(['work', 'done']);
    }
  });
});
