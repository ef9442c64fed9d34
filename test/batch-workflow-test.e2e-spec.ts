import { BatchApi } from './support/batch-api';
import { FakeOpenAiServer } from './support/fake-openai.server';
import { startServer, TestServer } from './support/test-server';

const CONFIG = 'test/fixtures/batch-editor.yml';

/** The editor's two-node draft: a structured llm node, then a function node saving its hook. */
const draft = (overrides: Record<string, unknown> = {}) => ({
  id: 'draft',
  name: 'Draft',
  nodes: [
    {
      id: '1',
      type: 'llm',
      name: 'Script',
      llm: 'model',
      system: 'You write for {{user:preferences.platform}}.',
      prompt: 'A hook for {{user:name}} on {{user:preferences.platform}}',
      output_schema: { type: 'object', properties: { hook: { type: 'string' } }, required: ['hook'] },
    },
    { id: '2', type: 'function', function: 'notepad', input: { action: 'add', content: '{{node:1.hook}}' } },
  ],
  result_node: '1',
  ...overrides,
});

const ALICE = { id: 'alice', name: 'Alice Johnson', department: 'Marketing', preferences: { platform: 'LinkedIn', tone: 'warm' } };
const BOB = { id: 'bob', name: 'Bob Smith' };

describe('the workflow editor API', () => {
  let model: FakeOpenAiServer;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    model = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, MODEL_URL: model.url, ADMIN_TOKEN: '', MAX_CONCURRENT_TESTS: '1', TEST_TIMEOUT: '60s' });
    api = new BatchApi(server.url);
    await api.importUsers([ALICE, BOB]);
  });
  afterEach(() => model.reset());
  afterAll(async () => {
    await server.close();
    await model.close();
  });

  describe('GET /api/catalog', () => {
    it("lists the LLMs without their secrets, the functions with their input schemas, and the users' fields, nested ones too", async () => {
      const reply = await api.get('/api/catalog');
      expect(reply.status).toBe(200);
      expect(reply.json.llms).toEqual([
        { name: 'model', type: 'openai', model: 'scripted' },
        { name: 'stand-in', type: 'echo', model: 'echo' },
      ]);
      expect(reply.text).not.toContain('test-key-never-shown');
      const notepad = reply.json.functions.find((fn: { name: string }) => fn.name === 'notepad');
      expect(notepad.inputSchema).toMatchObject({
        type: 'object',
        properties: { action: { type: 'string' }, content: { type: 'string' } },
        required: ['action'],
      });
      expect(reply.json.functions.map((fn: { name: string }) => fn.name)).toEqual(expect.arrayContaining(['notepad', 'preferences']));
      expect(reply.json.userFields).toEqual(['department', 'name', 'preferences.platform', 'preferences.tone']);
    });
  });

  describe('POST /api/workflows/test', () => {
    it("runs the draft for one user without saving it: each node's filled-in input, output, tokens and duration", async () => {
      model.reply({ content: JSON.stringify({ hook: 'Alice hooks LinkedIn' }), usage: { prompt_tokens: 20, completion_tokens: 5 } });
      const reply = await api.post('/api/workflows/test', { workflow: draft(), userId: 'alice' });
      expect(reply.status).toBe(200);
      expect(reply.json).toMatchObject({ userId: 'alice', userName: 'Alice Johnson', status: 'succeeded', final: { hook: 'Alice hooks LinkedIn' }, tokens: 25 });
      const [script, save] = reply.json.nodes;
      expect(script).toMatchObject({
        nodeId: '1',
        name: 'Script',
        status: 'succeeded',
        input: { system: 'You write for LinkedIn.', prompt: 'A hook for Alice Johnson on LinkedIn' },
        content: { hook: 'Alice hooks LinkedIn' },
        structured: true,
        model: 'scripted',
        tokens: 25,
      });
      expect(script.durationMs).toEqual(expect.any(Number));
      expect(save).toMatchObject({
        nodeId: '2',
        status: 'succeeded',
        input: { function: 'notepad', input: { action: 'add', content: 'Alice hooks LinkedIn' } },
        content: { success: true, count: 1 },
        tokens: 0,
      });
      // The model was sent what the reply says it was.
      expect(model.requests[0].body.messages).toEqual([
        { role: 'system', content: 'You write for LinkedIn.' },
        { role: 'user', content: 'A hook for Alice Johnson on LinkedIn' },
      ]);
      // Nothing was saved, and no run was made.
      expect((await api.get('/api/workflows/draft')).status).toBe(404);
      expect((await api.get('/api/runs')).json.total).toBe(0);
    });

    it('answers a failed node with what it was sent and why it failed, the nodes before it included', async () => {
      model.reply({ content: JSON.stringify({ hook: 'A hook' }) }, { status: 400, error: 'context length exceeded' });
      const workflow = draft({
        nodes: [
          { id: '1', type: 'llm', llm: 'model', prompt: 'Hook for {{user:name}}', output_schema: { type: 'object', properties: { hook: { type: 'string' } } } },
          { id: '2', type: 'llm', llm: 'model', prompt: 'Expand {{node:1.hook}}' },
        ],
      });
      const reply = await api.post('/api/workflows/test', { workflow, userId: 'bob' });
      expect(reply.status).toBe(200);
      expect(reply.json.status).toBe('failed');
      expect(reply.json.error).toContain('context length exceeded');
      expect(reply.json.final).toBeUndefined();
      expect(reply.json.nodes.map((node: { nodeId: string; status: string }) => [node.nodeId, node.status])).toEqual([
        ['1', 'succeeded'],
        ['2', 'failed'],
      ]);
      expect(reply.json.nodes[1]).toMatchObject({ input: { prompt: 'Expand A hook' }, error: expect.stringContaining('context length exceeded') });
    });

    it('refuses an invalid draft with the fields and why, as saving does', async () => {
      const workflow = draft({
        nodes: [
          { id: '1', type: 'llm', llm: 'nope', prompt: 'Hi {{node:2}}' },
          { id: '2', type: 'function' },
        ],
      });
      const reply = await api.post('/api/workflows/test', { workflow, userId: 'alice' });
      expect(reply.status).toBe(400);
      expect(reply.json.code).toBe('bad_request');
      expect(reply.json.details).toEqual(
        expect.arrayContaining([
          { field: 'nodes[0].llm', errors: ["no LLM named 'nope' in llms: (configured: model, stand-in)"] },
          { field: 'nodes[0].prompt', errors: ['{{node:2}} does not name an earlier node'] },
          { field: 'nodes[1].function', errors: ['is required for a function node'] },
        ]),
      );
      // The same details as POST /api/workflows gives the same body.
      expect((await api.post('/api/workflows', workflow)).json.details).toEqual(reply.json.details);
      expect(model.requests).toHaveLength(0);
    });

    it('refuses a body without a workflow or a user, an unknown user, and a user lacking fields under on_missing: error', async () => {
      const noUser = await api.post('/api/workflows/test', { workflow: draft() });
      expect(noUser.status).toBe(400);
      expect(noUser.json.message).toContain('userId is required');
      const noWorkflow = await api.post('/api/workflows/test', { workflow: 'draft', userId: 'alice' });
      expect(noWorkflow.status).toBe(400);
      expect(noWorkflow.json.message).toContain('workflow must be a workflow object');
      const unknown = await api.post('/api/workflows/test', { workflow: draft(), userId: 'zed' });
      expect(unknown).toMatchObject({ status: 400, json: { code: 'bad_request', message: 'Unknown user ids: zed.' } });
      const lacking = await api.post('/api/workflows/test', { workflow: draft(), userId: 'bob' });
      expect(lacking.status).toBe(400);
      expect(lacking.json.message).toBe(
        'Bob Smith lacks preferences.platform, which the workflow uses (on_missing: error); test on another user, fill the fields in, or set on_missing.',
      );
      expect(lacking.json.details).toEqual({ fields: ['name', 'preferences.platform'], missing: [{ userId: 'bob', userName: 'Bob Smith', fields: ['preferences.platform'] }], ok: false });
      // Under on_missing: empty the same user can be tested.
      model.reply({ content: JSON.stringify({ hook: 'h' }) });
      const empty = await api.post('/api/workflows/test', { workflow: draft({ on_missing: 'empty' }), userId: 'bob' });
      expect(empty.json.nodes[0].input.prompt).toBe('A hook for Bob Smith on ');
      expect(model.requests).toHaveLength(1);
    });

    it('runs at most batch.max_concurrent_tests at once: one more is answered 429 while it runs', async () => {
      model.reply({ hang: true });
      const running = api.post('/api/workflows/test', { workflow: draft({ nodes: [{ id: '1', type: 'llm', llm: 'model', prompt: 'Slow' }] }), userId: 'alice' });
      await model.received(1);
      const second = await api.post('/api/workflows/test', { workflow: draft(), userId: 'alice' });
      expect(second.status).toBe(429);
      expect(second.json).toEqual({
        code: 'too_many_requests',
        message: '1 test run(s) are already running on this server (batch.max_concurrent_tests); wait for one to finish, or raise the setting.',
      });
      // Ends the hanging request; the test run it held ends failed and frees its place.
      model.reset();
      model.dropConnections();
      expect((await running).json.status).toBe('failed');
      model.reply({ content: JSON.stringify({ hook: 'Next' }) });
      expect((await api.post('/api/workflows/test', { workflow: draft(), userId: 'alice' })).json.status).toBe('succeeded');
    });

  });
});

describe('the workflow editor API, bounded and guarded', () => {
  let model: FakeOpenAiServer;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    model = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, MODEL_URL: model.url, ADMIN_TOKEN: 'editor-secret-token-1', TEST_TIMEOUT: '1s' });
    api = new BatchApi(server.url);
  });
  afterAll(async () => {
    await server.close();
    await model.close();
  });

  it('is closed without the admin token', async () => {
    expect((await api.get('/api/catalog')).status).toBe(401);
    expect((await api.post('/api/workflows/test', { workflow: draft(), userId: 'alice' })).status).toBe(401);
    expect((await api.call('GET', '/api/catalog', undefined, { authorization: 'Bearer editor-secret-token-1' })).status).toBe(200);
  });

  it('aborts a test run after batch.test_timeout, its model call included, and says which setting', async () => {
    const auth = { authorization: 'Bearer editor-secret-token-1' };
    await api.call('POST', '/api/users', { id: 'alice', name: 'Alice' }, auth);
    model.reply({ hang: true });
    const workflow = { id: 'slow', name: 'Slow', nodes: [{ id: '1', type: 'llm', llm: 'model', prompt: 'Hi {{user:name}}' }] };
    const reply = await api.call('POST', '/api/workflows/test', { workflow, userId: 'alice' }, auth);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      status: 'failed',
      error: 'The test run was aborted after 1s (batch.test_timeout); raise the setting or make its nodes faster.',
      nodes: [{ nodeId: '1', status: 'failed', input: { prompt: 'Hi Alice' } }],
    });
    // The model call's signal aborted: the request to the model was closed.
    await model.requests[0].closed;
  });
});


// Its own server: a client that aborts leaves nothing for the other tests to trip over.
describe('the workflow editor API, when the client goes away', () => {
  let model: FakeOpenAiServer;
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    model = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, MODEL_URL: model.url, ADMIN_TOKEN: '', MAX_CONCURRENT_TESTS: '1', TEST_TIMEOUT: '60s' });
    api = new BatchApi(server.url);
    await api.importUsers([ALICE]);
  });
  afterAll(async () => {
    await server.close();
    await model.close();
  });

  it('stops a test run whose client goes away, its model call included, and frees its place', async () => {
    model.reply({ hang: true });
    const client = new AbortController();
    const leaving = fetch(`${server.url}/api/workflows/test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: draft({ nodes: [{ id: '1', type: 'llm', llm: 'model', prompt: 'Slow' }] }), userId: 'alice' }),
      signal: client.signal,
    });
    await model.received(1);
    client.abort();
    await expect(leaving).rejects.toThrow();
    // The model's request closes: the node's signal aborted.
    await model.requests[0].closed;
    model.reply({ content: JSON.stringify({ hook: 'Next' }) });
    expect((await api.post('/api/workflows/test', { workflow: draft(), userId: 'alice' })).json.status).toBe('succeeded');
  });
});
