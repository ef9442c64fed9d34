import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { FixedLatencyModelServer } from '../bench/harness/fixed-latency-model.server';
import { join } from 'node:path';
import { BatchApi } from './support/batch-api';
import { CliServer, startCliServer } from './support/cli-server';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';
import { startServer, TestServer } from './support/test-server';

/** Every call of the fixture's model bills 30 tokens (20 + 10) after 100 ms. */
const CALL_TOKENS = 30;
const BUDGET = 1000;

const chat = (server: TestServer, user: string) =>
  server.post('/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, user);

/** `chat` to a server in another process. */
const chatAt = async (url: string, user: string) => {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
    body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  return { status: response.status };
};

/** What a user's calls used, as the usage records say. */
async function usedBy(api: BatchApi, user: string): Promise<number> {
  return (await api.get(`/api/usage?user_id=${user}`)).json.totals.total_tokens;
}

describe('per-user budgets (general.limits)', () => {
  let model: FixedLatencyModelServer;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    model = await FixedLatencyModelServer.start(100);
    server = await startServer('test/fixtures/limits.yml', { ...process.env, MODEL_URL: model.url, TOKENS_PER_DAY: String(BUDGET), ADMIN_TOKEN: '' });
    api = new BatchApi(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await model?.close();
  });

  it('200 parallel calls of one user never use more than the budget; the rest get 429 budget_exceeded; another user is unaffected', async () => {
    const replies = await Promise.all(Array.from({ length: 200 }, () => chat(server, 'alice')));
    const ok = replies.filter((reply) => reply.status === 200).length;
    const refused = replies.filter((reply) => reply.status === 429);
    expect(ok + refused.length).toBe(200);
    expect(ok).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(ok * CALL_TOKENS).toBeLessThanOrEqual(BUDGET);
    expect(await usedBy(api, 'alice')).toBe(ok * CALL_TOKENS);
    // OpenAI's error shape on /v1, with when to come back and what is left.
    const [first] = refused;
    expect(first.json.error).toMatchObject({ code: 'budget_exceeded', type: expect.any(String) });
    expect(first.json.error.message).toContain('tokens_per_day budget of 1000 tokens');
    expect(Number(first.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(first.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(Number(first.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(BUDGET);
    expect((await chat(server, 'bob')).status).toBe(200);
  }, 30_000);

  it('records an over-budget user of a batch run as failed with budget_exceeded, without retrying it', async () => {
    await api.importUsers([{ id: 'alice', name: 'Alice' }, { id: 'carol', name: 'Carol' }]);
    // Alice spends her budget, to the last call whose worst case (a short prompt and 50 tokens) fits.
    while ((await chat(server, 'alice')).status === 200);
    for (let runs = 0; runs < 50; runs++) {
      const { runId } = await api.startRun({ workflowId: 'ask', userIds: ['alice'] });
      if ((await api.finished(runId, 20_000)).executions[0].status === 'failed') break;
    }
    const before = model.requests;
    const { runId } = await api.startRun({ workflowId: 'ask', userIds: ['alice', 'carol'] });
    const run = await api.finished(runId, 20_000);
    const byUser = Object.fromEntries(run.executions.map((e: { userId: string }) => [e.userId, e]));
    expect(byUser.alice).toMatchObject({ status: 'failed', errorCode: 'budget_exceeded', attempts: 1 });
    expect(byUser.carol).toMatchObject({ status: 'succeeded' });
    expect(model.requests - before).toBe(1); // carol's call only
  }, 30_000);
});

describe('per-user budgets shared by two server processes on one Redis', () => {
  if (!requireRedis('budgets in Redis', 'REDIS_URL')) return;

  const prefix = `userscope-test-limits-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let model: FixedLatencyModelServer;
  const servers: CliServer[] = [];

  beforeAll(async () => {
    await redis.connect();
    model = await FixedLatencyModelServer.start(100);
    const env = { MODEL_URL: model.url, TOKENS_PER_DAY: String(BUDGET), BATCH_STORE: 'redis', REDIS_URL, BATCH_KEY_PREFIX: prefix, ADMIN_TOKEN: '' };
    const config = join(process.cwd(), 'test/fixtures/limits.yml');
    servers.push(...(await Promise.all([startCliServer(config, env), startCliServer(config, env)])));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.process.stop(5000)));
    await model?.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it("counts one user's calls on both servers against one budget", async () => {
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => chatAt(servers[i % 2].url, 'dora')));
    const okPerServer = [0, 1].map((s) => replies.filter((reply, i) => i % 2 === s && reply.status === 200).length);
    const ok = okPerServer[0] + okPerServer[1];
    expect(okPerServer.every((count) => count > 0)).toBe(true);
    expect(ok * CALL_TOKENS).toBeLessThanOrEqual(BUDGET);
    expect(replies.filter((reply) => reply.status === 429).length).toBe(100 - ok);
    // Alone, each server would have let its own 50 calls use up to the whole budget.
    // A server writes its usage records within 100 ms, and at once when it is asked for usage itself.
    await usedBy(new BatchApi(servers[0].url), 'dora');
    expect(await usedBy(new BatchApi(servers[1].url), 'dora')).toBe(ok * CALL_TOKENS);
  }, 30_000);
});

describe("a user's own limits (PUT /api/users/{id}/limits)", () => {
  let model: FixedLatencyModelServer;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    model = await FixedLatencyModelServer.start(20);
    // No general.limits budget worth mentioning: only the users' own limits bind.
    server = await startServer('test/fixtures/limits.yml', { ...process.env, MODEL_URL: model.url, TOKENS_PER_DAY: '100000000', FREE_TOKENS_PER_DAY: '200', ADMIN_TOKEN: '' });
    api = new BatchApi(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await model?.close();
  });

  it("holds a user to their own limit while others keep the default, shows what they used, and lets it go", async () => {
    const set = await api.put('/api/users/erin/limits', { tokens_per_day: 200 });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ user_id: 'erin', own: { tokens_per_day: 200 }, limits: { tokens_per_day: 200 } });
    const replies = await Promise.all(Array.from({ length: 20 }, () => chat(server, 'erin')));
    const ok = replies.filter((reply) => reply.status === 200).length;
    expect(ok * CALL_TOKENS).toBeLessThanOrEqual(200);
    expect(replies.some((reply) => reply.status === 429)).toBe(true);
    expect((await Promise.all(Array.from({ length: 10 }, () => chat(server, 'frank')))).every((reply) => reply.status === 200)).toBe(true);
    const status = (await api.get('/api/users/erin/limits')).json;
    expect(status.periods[0]).toMatchObject({ kind: 'day', used_tokens: ok * CALL_TOKENS });
    expect((await api.delete('/api/users/erin/limits')).json).toMatchObject({ own: null, limits: { tokens_per_day: 100000000 } });
    expect((await chat(server, 'erin')).status).toBe(200);
  });

  it("holds a user to their group's limits by a field in the directory; the user's own limits come first", async () => {
    await api.importUsers([
      { id: 'hal', name: 'Hal', billing: { plan: 'free' } },
      { id: 'ivy', name: 'Ivy', billing: { plan: 'pro' } },
      { id: 'jo', name: 'Jo' },
    ]);
    expect((await api.get('/api/users/hal/limits')).json.limits).toMatchObject({ tokens_per_day: 200 });
    const hal = await Promise.all(Array.from({ length: 20 }, () => chat(server, 'hal')));
    expect(hal.filter((reply) => reply.status === 200).length * CALL_TOKENS).toBeLessThanOrEqual(200);
    expect(hal.some((reply) => reply.status === 429)).toBe(true);
    for (const user of ['ivy', 'jo']) expect((await Promise.all(Array.from({ length: 10 }, () => chat(server, user)))).every((reply) => reply.status === 200)).toBe(true);
    await api.put('/api/users/hal/limits', { tokens_per_day: 100000 });
    expect((await chat(server, 'hal')).status).toBe(200);
  });

  it("holds a user to their requests_per_minute of LLM calls: 429 rate_limited with when to come back", async () => {
    await api.put('/api/users/kim/limits', { requests_per_minute: 3 });
    const replies = await Promise.all(Array.from({ length: 5 }, () => chat(server, 'kim')));
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(3);
    const refused = replies.filter((reply) => reply.status === 429);
    expect(refused).toHaveLength(2);
    expect(refused[0].json.error.code).toBe('rate_limited');
    expect(Number(refused[0].headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused[0].headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused[0].headers.get('x-ratelimit-limit-requests')).toBe('3');
    expect((await chat(server, 'lou')).status).toBe(200);
  });

  it("shows each user's spend and what is left of each budget in /monitor/users, as the usage records count it", async () => {
    await api.put('/api/users/uma/limits', { tokens_per_day: 10000, cost_per_month: 1, concurrent_runs: 5 });
    for (let i = 0; i < 3; i++) expect((await chat(server, 'uma')).status).toBe(200);
    const used = await usedBy(api, 'uma');
    const usage = (await api.get('/api/usage?user_id=uma')).json.totals;
    const { users } = (await api.get('/monitor/users?user_id=uma')).json;
    expect(users).toHaveLength(1);
    const [uma] = users;
    // 3 calls of 20 prompt and 10 completion tokens at 1 and 2 per million: 3 × 40 micro-units.
    expect(uma.llm).toMatchObject({ total_tokens: used, cost_micros: { USD: 120 } });
    expect(usage.cost_micros).toEqual({ USD: 120 });
    expect(uma.budget).toMatchObject({ concurrent_runs: 5, runs_in_flight: 0 });
    const byLimit = Object.fromEntries(uma.budget.remaining.map((entry: { limit: string }) => [entry.limit, entry]));
    expect(Object.keys(byLimit).sort()).toEqual(['cost_per_month', 'tokens_per_day']);
    expect(byLimit.tokens_per_day).toMatchObject({ unit: 'tokens', allowed: 10000, used, remaining: 10000 - used });
    expect(byLimit.cost_per_month).toMatchObject({ unit: 'cost_micros', allowed: 1_000_000, used: 120, remaining: 1_000_000 - 120 });
    expect(new Date(byLimit.tokens_per_day.resets_at).getTime()).toBeGreaterThan(Date.now());
    // The operator API says the same.
    expect((await api.get('/api/users/uma/limits')).json.remaining).toEqual(uma.budget.remaining);
  });

  it('refuses an invalid limit with a 400 naming the field, and changes nothing', async () => {
    await api.put('/api/users/gina/limits', { tokens_per_day: 500 });
    for (const body of [{ tokens_per_day: -1 }, { tokens_per_day: 'lots' }, { per_hour: 5 }, [1]]) {
      const reply = await api.put('/api/users/gina/limits', body);
      expect(reply.status).toBe(400);
      expect(reply.json.code).toBe('invalid_limits');
    }
    expect((await api.put('/api/users/gina/limits', { cost_per_day: 0.0000001 })).json.message).toContain('limits.cost_per_day');
    expect((await api.get('/api/users/gina/limits')).json.own).toEqual({ tokens_per_day: 500 });
  });
});
