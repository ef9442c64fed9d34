import { BatchApi } from './support/batch-api';
import { FakeOpenAiServer } from './support/fake-openai.server';
import { startServer, TestServer } from './support/test-server';

/** Each chat call of the test's model bills this, 40 of the prompt tokens read from its cache. */
const CALL = { prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 40 } };
/** At 0.15 / 0.6 / 0.075 per million: (60 × 0.15 + 40 × 0.075 + 20 × 0.6) = 24 micro-units. */
const CALL_COST_MICROS = 24;

/** GET /api/usage over a priced LLM: the chat agent for two users, and a batch run. */
describe('usage API', () => {
  let model: FakeOpenAiServer;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    model = await FakeOpenAiServer.start();
    model.fallback = () => ({ content: 'noted', usage: CALL as never });
    server = await startServer('test/fixtures/usage.yml', { ...process.env, FAKE_LLM_URL: model.url, ADMIN_TOKEN: '' });
    api = new BatchApi(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await model?.close();
  });

  const chat = (user: string) => server.post('/v1/chat/completions', { model: 'x', messages: [{ role: 'user', content: 'hi' }] }, user);

  it('sums every call exactly, by user, model, run and day, and agrees with the monitor', async () => {
    for (const user of ['alice', 'alice', 'alice', 'bob']) expect((await chat(user)).status).toBe(200);
    await api.importUsers([{ id: 'carol', name: 'Carol' }, { id: 'dave', name: 'Dave' }]);
    const { runId } = await api.startRun({ workflowId: 'ask', userIds: ['carol', 'dave'] });
    await api.finished(runId);

    const byUser = (await api.get('/api/usage?group_by=user')).json;
    const alice = byUser.groups.find((g: { key: string }) => g.key === 'alice');
    expect(alice).toMatchObject({ calls: 3, prompt_tokens: 300, completion_tokens: 60, cached_tokens: 120, total_tokens: 360, cost_micros: { USD: 3 * CALL_COST_MICROS }, cost: { USD: '0.000072' } });
    expect(byUser.groups.map((g: { key: string }) => g.key)).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(byUser.totals).toMatchObject({ calls: 6, total_tokens: 6 * 120, cost_micros: { USD: 6 * CALL_COST_MICROS } });

    const byRun = (await api.get('/api/usage?group_by=run')).json;
    expect(byRun.groups).toEqual([
      expect.objectContaining({ key: '-', calls: 4 }),
      expect.objectContaining({ key: runId, calls: 2, total_tokens: 240 }),
    ]);
    const run = (await api.get(`/api/runs/${runId}`)).json;
    expect(run.billedTokens).toBe(240); // the run's own count and the records agree

    const byModel = (await api.get('/api/usage?group_by=model')).json;
    expect(byModel.groups).toEqual([expect.objectContaining({ key: 'model/fake-model', calls: 6 })]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await api.get('/api/usage?group_by=day')).json.groups).toEqual([expect.objectContaining({ key: today, calls: 6 })]);

    // The monitor shows the same spend per user.
    const monitor = (await api.get('/monitor/users')).json;
    const aliceMonitor = monitor.users.find((u: { user_id: string }) => u.user_id === 'alice');
    expect(aliceMonitor.llm).toMatchObject({ total_tokens: 360, llm_calls: 3, cost_micros: { USD: 3 * CALL_COST_MICROS } });
  });

  it("filters one user's calls and a time range, and answers CSV", async () => {
    const bob = (await api.get('/api/usage?user_id=bob&group_by=day')).json;
    expect(bob.totals).toMatchObject({ calls: 1, cost_micros: { USD: CALL_COST_MICROS } });
    const future = (await api.get('/api/usage?from=2099-01-01&to=2099-01-02')).json;
    expect(future.groups).toEqual([]);
    const csv = await api.get('/api/usage?group_by=user&format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('\uFEFFuser,calls,prompt_tokens,completion_tokens,cached_tokens,total_tokens,cost_USD');
    expect(csv.text).toContain('alice,3,300,60,120,360,0.000072');
  });

  it('refuses a bad query with a 400 that names the parameter', async () => {
    for (const [query, parameter] of [['from=yesterday', 'from'], ['group_by=team', 'group_by'], ['format=xml', 'format'], ['from=2026-12-02&to=2026-12-01', 'from']]) {
      const reply = await api.get(`/api/usage?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({ code: 'invalid_usage_query', details: { parameter } });
    }
  });

  it('keeps /me/usage closed in an identity mode that does not verify the caller', async () => {
    const mine = await fetch(`${server.url}/me/usage`, { headers: { cookie: 'nat-session=alice' } });
    expect(mine.status).toBe(403);
    expect(((await mine.json()) as { code: string }).code).toBe('identity_not_verified');
  });
});
