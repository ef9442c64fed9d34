import { createTestServer, parseEvents, TestReply, TestServer, UserClient } from '@userscope/testing';
import { BatchApi, until } from './support/batch-api';
import { FaultProbe } from './fixtures/faults.plugin';

const CONFIG = 'test/fixtures/faults.yml';

/** A server of the faults fixture with these settings (env of faults.yml). */
function serve(env: Record<string, string>): Promise<TestServer> {
  return createTestServer({ configFile: CONFIG, env: { ...process.env, ...env } });
}

/** Resolves with how long `work` took, in ms. */
async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe('general.function_timeout', () => {
  let server: TestServer;
  beforeEach(() => FaultProbe.reset());
  afterEach(() => server?.close());

  it('answers 504 function_timeout naming the setting, aborts the signal and frees the user\'s slot', async () => {
    server = await serve({ FUNCTION_TIMEOUT: '200ms', MAX_CONCURRENCY: '1', MAX_QUEUED: '0' });
    const alice = server.asUser('alice');
    const { value: reply, ms } = await timed(alice.generate({ action: 'hang_aware' }));
    expect(reply.status).toBe(504);
    expect(reply.json).toEqual({ code: 'function_timeout', message: expect.stringContaining('general.function_timeout'), details: { function: 'fault_workflow', timeout_seconds: 0.2 } });
    expect(ms).toBeLessThan(2000);
    expect(FaultProbe.aborts).toEqual([expect.stringContaining('general.function_timeout')]);
    // With one slot and no queue, a held slot would be a 429.
    expect((await alice.generate({ action: 'ok' })).status).toBe(200);
  });

  it('frees the slot even when the function ignores its signal', async () => {
    server = await serve({ FUNCTION_TIMEOUT: '100ms', MAX_CONCURRENCY: '1', MAX_QUEUED: '0' });
    const bob = server.asUser('bob');
    expect((await bob.generate({ action: 'hang' })).status).toBe(504);
    expect((await bob.generate({ action: 'ok' })).json).toEqual({ user: 'bob', action: 'ok' });
  });

  it('is unset by default: a function gets a signal that never aborts', async () => {
    server = await serve({});
    const reply = await server.asUser('carol').generate({ action: 'ok' });
    expect(reply.status).toBe(200);
  });
});

describe('general.function_timeout on every route that runs the workflow', () => {
  let server: TestServer;
  beforeAll(async () => {
    // One slot and no queue: a slot the timeout did not free makes the user's next request a 429.
    server = await serve({ FAULT_WORKFLOW: 'fault_chat', FUNCTION_TIMEOUT: '200ms', MAX_CONCURRENCY: '1', MAX_QUEUED: '0' });
  });
  afterAll(() => server?.close());
  beforeEach(() => FaultProbe.reset());

  const say = (content: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content }], ...extra });
  const timeout = { code: 'function_timeout', message: expect.stringContaining('general.function_timeout'), details: { function: 'fault_chat', timeout_seconds: 0.2 } };
  const openAiTimeout = { error: { ...timeout, type: 'server_error', param: null } };
  const firstChunk = expect.objectContaining({ object: 'chat.completion.chunk', choices: [expect.objectContaining({ delta: { role: 'assistant', content: 'first' } })] });
  const chatReply = expect.objectContaining({ object: 'chat.completion', choices: [expect.objectContaining({ message: { role: 'assistant', content: 'first last' } })] });

  /** A route, how to call it with a chat message, and what it answers when the function times out (after `chunks` chunks) or succeeds. */
  interface Route {
    path: string;
    body: (content: string) => unknown;
    expectTimedOut(reply: TestReply, chunks: number): void;
    expectOk(reply: TestReply): void;
  }
  const routes: Route[] = [
    {
      path: '/generate',
      body: (content) => say(content),
      expectTimedOut: (reply) => expect([reply.status, reply.json]).toEqual([504, timeout]),
      expectOk: (reply) => expect([reply.status, reply.json]).toEqual([200, chatReply]),
    },
    {
      path: '/chat',
      body: (content) => say(content),
      expectTimedOut: (reply) => expect([reply.status, reply.json]).toEqual([504, timeout]),
      expectOk: (reply) => expect([reply.status, reply.json]).toEqual([200, chatReply]),
    },
    {
      path: '/v1/chat/completions',
      body: (content) => say(content),
      expectTimedOut: (reply) => expect([reply.status, reply.json]).toEqual([504, openAiTimeout]),
      expectOk: (reply) => expect([reply.status, reply.json]).toEqual([200, chatReply]),
    },
    {
      path: '/generate/stream',
      body: (content) => say(content),
      // NAT's stream: the chunks sent, then `event: error` with the JSON error body, and the stream ends (no `event: end`).
      expectTimedOut: (reply, chunks) =>
        expect([reply.status, parseEvents(reply.text)]).toEqual([200, [...(chunks ? [{ event: 'message', data: firstChunk }] : []), { event: 'error', data: timeout }]]),
      expectOk: (reply) => expect(parseEvents(reply.text).map((e) => e.event)).toEqual(['message', 'message', 'end']),
    },
    {
      path: '/chat/stream',
      body: (content) => say(content),
      // OpenAI's stream: the chunks sent, then `data: {"error": {...}}`, and no `data: [DONE]`.
      expectTimedOut: (reply, chunks) => expect([reply.status, parseEvents(reply.text)]).toEqual([200, [...(chunks ? [{ event: 'message', data: firstChunk }] : []), { event: 'message', data: openAiTimeout }]]),
      expectOk: (reply) => expect(parseEvents(reply.text).at(-1)).toEqual({ event: 'message', data: '[DONE]' }),
    },
    {
      path: '/v1/chat/completions (stream: true)',
      body: (content) => say(content, { stream: true }),
      expectTimedOut: (reply, chunks) => expect([reply.status, parseEvents(reply.text)]).toEqual([200, [...(chunks ? [{ event: 'message', data: firstChunk }] : []), { event: 'message', data: openAiTimeout }]]),
      expectOk: (reply) => expect(parseEvents(reply.text).at(-1)).toEqual({ event: 'message', data: '[DONE]' }),
    },
  ];
  let users = 0;
  const call = (client: UserClient, route: Route, content: string) => client.post(route.path.split(' ')[0], route.body(content));

  describe.each(routes.map((route) => [route.path, route] as const))('%s', (_path, route) => {
    it.each([
      ['before its first chunk', 'hang', 0],
      ['after its first chunk', 'hang_after_chunk', 1],
    ])('a function that hangs %s: answered as a timeout within the deadline, its signal aborted, the user\'s slot freed', async (_when, action, chunks) => {
      const client = server.asUser(`user-${++users}`);
      const { value: reply, ms } = await timed(call(client, route, action));
      route.expectTimedOut(reply, chunks);
      expect(ms).toBeLessThan(2000);
      expect(FaultProbe.aborts).toEqual([expect.stringContaining('general.function_timeout')]);
      route.expectOk(await call(client, route, 'ok'));
    });

    it('a function that stalls after its first chunk, ignoring its signal: answered as a timeout, the slot freed all the same', async () => {
      const client = server.asUser(`user-${++users}`);
      route.expectTimedOut(await call(client, route, 'stall_after_chunk'), 1);
      route.expectOk(await call(client, route, 'ok'));
    });
  });
});

describe('batch.execution_timeout and cancel', () => {
  let server: TestServer;
  let api: BatchApi;
  const start = async (env: Record<string, string>) => {
    server = await serve(env);
    api = new BatchApi(server.url);
    await api.importUsers([{ id: 'ann', name: 'Ann' }, { id: 'ben', name: 'Ben' }]);
  };
  beforeEach(() => FaultProbe.reset());
  afterEach(() => server?.close());

  it('fails an execution that runs longer than execution_timeout, saying it timed out', async () => {
    await start({ EXECUTION_TIMEOUT: '150ms' });
    const { runId } = await api.startRun({ workflowId: 'hang', all: true });
    const run = await api.finished(runId, 5000);
    expect(run.status).toBe('failed');
    for (const execution of run.executions) {
      expect(execution.status).toBe('failed');
      expect(execution.error).toMatch(/timed out after 0\.15s \(batch\.execution_timeout\)/);
    }
  });

  it.each([
    ['honour their signals', 'hang-aware', 2],
    ['ignore their signals', 'hang', 0],
  ])('answers a cancel at once while functions hang and %s, aborting their signals', async (_case, workflowId, aborts) => {
    await start({});
    const { runId } = await api.startRun({ workflowId, all: true });
    await until(() => FaultProbe.hanging === 2);
    const { value: reply, ms } = await timed(api.post(`/api/runs/${runId}/cancel`));
    expect(ms).toBeLessThan(1000);
    expect(reply.status).toBe(200);
    expect(reply.json.status).toBe('cancelled');
    expect(reply.json.executions.map((e: { status: string }) => e.status)).toEqual(['cancelled', 'cancelled']);
    expect(FaultProbe.aborts).toHaveLength(aborts);
  });
});

describe('DELETE /monitor/users/{id}', () => {
  let server: TestServer;
  beforeEach(() => FaultProbe.reset());
  afterEach(() => server?.close());

  it('waits at most shutdown_grace_period for the user\'s requests, then ends the session anyway', async () => {
    server = await serve({ SHUTDOWN_GRACE: '300ms' });
    // The hung request's connection is the test's to close, so that the server can close afterwards.
    const hung = new AbortController();
    void fetch(`${server.url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'nat-session=dan' }, body: '{"action":"hang"}', signal: hung.signal }).catch(() => undefined);
    await until(() => FaultProbe.hanging === 1);
    const { value: reply, ms } = await timed(fetch(`${server.url}/monitor/users/dan`, { method: 'DELETE' }));
    expect(ms).toBeLessThan(2000);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ user_id: 'dan', ended: true, disposed: 1, cleanup_errors: 0, abandoned_requests: 1, purged: false });
    expect((await fetch(`${server.url}/monitor/users?user_id=dan`)).status).toBe(404);
    hung.abort();
  });
});
