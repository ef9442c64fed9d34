import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { FixedLatencyModelServer } from '../bench/harness/fixed-latency-model.server';
import { BatchApi, until } from './support/batch-api';
import { CliServer, startCliServer } from './support/cli-server';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';
import { startServer, TestServer } from './support/test-server';

const FIXTURE = 'test/fixtures/limits.yml';
const message = (content: string) => ({ model: 'm', messages: [{ role: 'user', content }] });

/** The user's runs in flight, as the operator API counts them (a run waiting for its turn in the user's conversation included). */
async function runsInFlight(url: string, user: string): Promise<number> {
  return (await new BatchApi(url).get(`/api/users/${user}/limits`)).json.runs_in_flight;
}

/** A user's request of the workflow through one of its routes, as a plain fetch (a stream read to its end). */
async function run(url: string, user: string, route = '/v1/chat/completions', body: Record<string, unknown> = message('hi'), signal?: AbortSignal) {
  const response = await fetch(`${url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
    body: JSON.stringify(body),
    signal,
  });
  const text = await response.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

function expectRefusedForRuns(reply: Awaited<ReturnType<typeof run>>, limit: number, route = '/v1/chat/completions'): void {
  expect(reply.status).toBe(429);
  // OpenAI's error shape on /v1, Userscope's elsewhere.
  const error = route.startsWith('/v1/') ? reply.json.error : reply.json;
  if (route.startsWith('/v1/')) expect(error).toMatchObject({ type: expect.any(String), param: null });
  expect(error.code).toBe('rate_limited');
  expect(error.message).toContain(`already has ${limit} runs in flight, their concurrent_runs`);
  expect(reply.headers.get('retry-after')).toBe('1');
  expect(reply.headers.get('x-ratelimit-limit-concurrent-runs')).toBe(String(limit));
  expect(reply.headers.get('x-ratelimit-remaining-concurrent-runs')).toBe('0');
}

describe('concurrent_runs: how many runs of one user may be in flight at once', () => {
  let model: FixedLatencyModelServer;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    model = await FixedLatencyModelServer.start(5);
    server = await startServer(FIXTURE, { ...process.env, MODEL_URL: model.url, TOKENS_PER_DAY: '100000000', FREE_CONCURRENT_RUNS: '3', ADMIN_TOKEN: '' });
    api = new BatchApi(server.url);
  });
  afterEach(() => model.release());
  afterAll(async () => {
    await server?.close();
    await model?.close();
  });

  it('refuses the runs of a user beyond their concurrent_runs on every route with 429 rate_limited; another user is unaffected', async () => {
    await api.put('/api/users/max/limits', { concurrent_runs: 2 });
    const before = model.requests;
    model.hold();
    const held = [run(server.url, 'max'), run(server.url, 'max', '/generate', message('second'))];
    // The chat agent takes a user's turns one at a time: one is at the model, the other waits its turn, and both are in flight.
    await until(async () => model.inFlight === 1 && (await runsInFlight(server.url, 'max')) === 2);
    // Streams are refused before they start, so the 429 is a status with its headers, not an event.
    for (const [route, body] of [
      ['/v1/chat/completions', message('third')],
      ['/chat', message('third')],
      ['/chat/stream', message('third')],
      ['/v1/chat/completions', { ...message('third'), stream: true }],
      ['/v1/responses', { model: 'm', input: 'third' }],
      ['/v1/responses', { model: 'm', input: 'third', stream: true }],
    ] as const) {
      expectRefusedForRuns(await run(server.url, 'max', route, body), 2, route);
    }
    expect((await api.get('/api/users/max/limits')).json).toMatchObject({ limits: { concurrent_runs: 2 }, runs_in_flight: 2 });
    // Another user's run is admitted (it reaches the model) while max's two are held.
    const other = run(server.url, 'bob');
    await until(() => model.inFlight === 2);
    expect(model.requests - before).toBe(2); // the refused runs made no call
    model.release();
    expect((await Promise.all([...held, other])).map((reply) => reply.status)).toEqual([200, 200, 200]);
    // Both slots are free again.
    expect((await Promise.all([run(server.url, 'max'), run(server.url, 'max')])).map((reply) => reply.status)).toEqual([200, 200]);
    expect(await runsInFlight(server.url, 'max')).toBe(0);
  }, 30_000);

  it('frees the slot of a run that fails', async () => {
    // Every run fails inside the workflow (no budget left for its LLM call); a leaked slot would turn the next ones into rate_limited.
    await api.put('/api/users/ned/limits', { concurrent_runs: 1, tokens_per_day: 1 });
    for (let i = 0; i < 3; i++) {
      const reply = await run(server.url, 'ned');
      expect(reply.status).toBe(429);
      expect(reply.json.error.code).toBe('budget_exceeded');
    }
    expect(await runsInFlight(server.url, 'ned')).toBe(0);
  });

  it('frees the slot of a stream whose client went away', async () => {
    await api.put('/api/users/nia/limits', { concurrent_runs: 1 });
    model.hold();
    const client = new AbortController();
    const stream = run(server.url, 'nia', '/chat/stream', message('a long answer'), client.signal).catch((error: Error) => error);
    await until(() => model.inFlight === 1);
    expectRefusedForRuns(await run(server.url, 'nia'), 1);
    client.abort();
    expect(await stream).toMatchObject({ name: 'AbortError' });
    // The stream is closed at its next step (once the LLM call it waits on returns), and its slot given back, nobody reading it.
    model.release();
    await until(async () => (await runsInFlight(server.url, 'nia')) === 0);
    expect((await run(server.url, 'nia')).status).toBe(200);
  }, 30_000);

  it("applies a group's concurrent_runs (by a user field), and the user's own over it", async () => {
    await api.importUsers([{ id: 'quin', name: 'Quin', billing: { plan: 'free' } }]);
    expect((await api.get('/api/users/quin/limits')).json).toMatchObject({ limits: { concurrent_runs: 3 }, own: null });
    model.hold();
    const held = [0, 1, 2].map(() => run(server.url, 'quin'));
    await until(async () => (await runsInFlight(server.url, 'quin')) === 3);
    expectRefusedForRuns(await run(server.url, 'quin'), 3);
    await api.put('/api/users/quin/limits', { concurrent_runs: 4 });
    const fourth = run(server.url, 'quin');
    await until(async () => (await runsInFlight(server.url, 'quin')) === 4);
    model.release();
    expect((await Promise.all([...held, fourth])).every((reply) => reply.status === 200)).toBe(true);
  }, 30_000);

  it('counts a batch execution as one of the user\'s runs: refused while the user is at the cap, retried after it', async () => {
    await api.importUsers([{ id: 'pat', name: 'Pat' }]);
    await api.put('/api/users/pat/limits', { concurrent_runs: 1 });
    model.hold();
    const chat = run(server.url, 'pat');
    await until(() => model.inFlight === 1);
    const { runId } = await api.startRun({ workflowId: 'ask', userIds: ['pat'] });
    // Its first attempt was refused: a second one starts after the backoff, and no batch call reached the model.
    await until(async () => (await api.get(`/api/runs/${runId}`)).json.executions[0].attempts >= 2, 15_000);
    expect(model.prompts.filter((prompt) => prompt === 'Hello pat')).toHaveLength(0);
    model.release();
    expect((await chat).status).toBe(200);
    const finished = await api.finished(runId, 20_000);
    expect(finished.executions[0]).toMatchObject({ status: 'succeeded' });
    expect(model.prompts.filter((prompt) => prompt === 'Hello pat')).toHaveLength(1);
  }, 40_000);
});

describe('concurrent_runs shared by two server processes on one Redis', () => {
  if (!requireRedis('run slots in Redis', 'REDIS_URL')) return;

  const prefix = `userscope-test-runs-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const LEASE_MS = 2000;
  let model: FixedLatencyModelServer;
  const servers: CliServer[] = [];

  beforeAll(async () => {
    await redis.connect();
    model = await FixedLatencyModelServer.start(5);
    const env = {
      MODEL_URL: model.url,
      TOKENS_PER_DAY: '100000000',
      BATCH_STORE: 'redis',
      REDIS_URL,
      BATCH_KEY_PREFIX: prefix,
      ADMIN_TOKEN: '',
      USERSCOPE_RUN_LEASE_MS: String(LEASE_MS),
    };
    servers.push(...(await Promise.all([startCliServer(join(process.cwd(), FIXTURE), env), startCliServer(join(process.cwd(), FIXTURE), env)])));
  }, 60_000);
  afterEach(() => model.release());
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.process.stop(5000)));
    await model?.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it("counts one user's runs on both servers against one cap; another user is unaffected", async () => {
    const [a, b] = servers;
    expect((await new BatchApi(a.url).put('/api/users/ola/limits', { concurrent_runs: 2 })).status).toBe(200);
    model.hold();
    const held = [run(a.url, 'ola'), run(b.url, 'ola')];
    await until(async () => (await runsInFlight(a.url, 'ola')) === 2);
    expectRefusedForRuns(await run(a.url, 'ola'), 2);
    expectRefusedForRuns(await run(b.url, 'ola'), 2);
    expect(await runsInFlight(b.url, 'ola')).toBe(2);
    const other = run(b.url, 'pia');
    await until(async () => (await runsInFlight(b.url, 'pia')) === 1);
    model.release();
    expect((await Promise.all([...held, other])).map((reply) => reply.status)).toEqual([200, 200, 200]);
    expect((await run(b.url, 'ola')).status).toBe(200);
  }, 30_000);

  it('frees the slots of a server killed mid-run once their lease runs out, and not before', async () => {
    const [a, b] = servers;
    await new BatchApi(a.url).put('/api/users/rex/limits', { concurrent_runs: 1 });
    model.hold();
    void run(a.url, 'rex').catch(() => undefined);
    await until(() => model.inFlight === 1);
    // Held past the lease: the living server renews its slot. (A real wait: Redis's clock counts the lease.)
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
    expectRefusedForRuns(await run(b.url, 'rex'), 1);
    a.process.kill('SIGKILL');
    const killedAt = Date.now();
    model.release();
    await until(async () => (await runsInFlight(b.url, 'rex')) === 0, 3 * LEASE_MS);
    expect((await run(b.url, 'rex')).status).toBe(200);
    // Not freed by the kill itself but by the lease: at least two thirds of it were left at the last renewal.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(LEASE_MS / 3);
  }, 40_000);
});
