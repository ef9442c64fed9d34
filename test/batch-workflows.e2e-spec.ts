import { startServer, TestServer } from './support/test-server';
import { BatchApi } from './support/batch-api';

const CONFIG = 'test/fixtures/batch.yml';

const greeting = (id: string, onMissing?: string) => ({
  id,
  name: `Greeting (${onMissing ?? 'error'})`,
  ...(onMissing ? { on_missing: onMissing } : {}),
  nodes: [{ id: 'hi', type: 'template', template: 'Hi {{user:name}} from {{user:department}} on {{user:preferences.platform}}!' }],
});

describe('batch workflows', () => {
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    server = await startServer(CONFIG, { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '' });
    api = new BatchApi(server.url);
    await api.importUsers([
      { id: 'alice', name: 'Alice Johnson', department: 'Marketing', preferences: { platform: 'LinkedIn' } },
      { id: 'bob', name: 'Bob Smith', preferences: { platform: 'TikTok' } },
      { id: 'carol', name: 'Carol Davis', department: '' },
    ]);
  });
  afterAll(() => server.close());

  describe('defined in the config file', () => {
    it('are listed with source config and the user fields their templates use', async () => {
      const reply = await api.get('/api/workflows');
      expect(reply.status).toBe(200);
      const byId = Object.fromEntries(reply.json.map((w: { id: string }) => [w.id, w]));
      expect(Object.keys(byId)).toEqual(expect.arrayContaining(['notes', 'concurrency', 'flaky', 'slow', 'profile']));
      expect(byId.notes).toEqual({
        id: 'notes',
        name: 'Personal note',
        description: "Adds a note to each user's own notepad, then reports it.",
        on_missing: 'error',
        nodes: [
          { id: 'add', type: 'function', function: 'notepad', input: { action: 'add', content: 'Note for {{user:name}}' } },
          { id: 'report', type: 'template', name: 'Report', template: '{{user:name}} ({{user:department}}): {{node:add.message}}, {{node:add.count}} note(s)' },
        ],
        source: 'config',
        fields: ['name', 'department'],
      });
      expect(byId.profile.fields).toEqual(['name', 'id', 'tokens']);
      expect(byId.profile.on_missing).toBe('default:0');
      expect((await api.get('/api/workflows/notes')).json).toEqual(byId.notes);
    });

    it('cannot be replaced, deleted or created again through the API (409)', async () => {
      const replace = await api.put('/api/workflows/notes', greeting('notes'));
      expect(replace.status).toBe(409);
      expect(replace.json).toEqual({ code: 'conflict', message: "Workflow 'notes' is defined in the config file; change it there." });
      expect((await api.delete('/api/workflows/notes')).status).toBe(409);
      expect((await api.post('/api/workflows', greeting('notes'))).status).toBe(409);
      expect((await api.get('/api/workflows/notes')).json.source).toBe('config');
    });
  });

  describe('defined through the API', () => {
    it('are created, listed, replaced and deleted', async () => {
      const created = await api.post('/api/workflows', greeting('greet'));
      expect(created.status).toBe(201);
      expect(created.json).toEqual({ ...greeting('greet'), on_missing: 'error', source: 'api', fields: ['name', 'department', 'preferences.platform'] });
      expect((await api.post('/api/workflows', greeting('greet'))).status).toBe(409);
      expect((await api.get('/api/workflows')).json.find((w: { id: string }) => w.id === 'greet')).toEqual(created.json);

      const replacement = {
        id: 'greet',
        name: 'Count notes',
        nodes: [
          { id: 'count', type: 'function', function: 'notepad', input: { action: 'count' } },
          { id: 'say', type: 'template', template: '{{user:role}}: {{node:count.message}}' },
        ],
      };
      const replaced = await api.put('/api/workflows/greet', replacement);
      expect(replaced.status).toBe(200);
      expect(replaced.json).toMatchObject({ name: 'Count notes', source: 'api', fields: ['role'] });
      expect((await api.get('/api/workflows/greet')).json.nodes).toEqual(replacement.nodes);
      expect((await api.put('/api/workflows/nothing', replacement)).status).toBe(404);

      expect((await api.delete('/api/workflows/greet')).status).toBe(204);
      expect((await api.get('/api/workflows/greet')).status).toBe(404);
      expect((await api.delete('/api/workflows/greet')).status).toBe(404);
    });

    it.each([
      [
        'an unknown node type',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'script', template: 'x' }] },
        { field: 'nodes[0].type', errors: ['must be one of the following values: llm, function, template'] },
      ],
      [
        'a function node naming an unconfigured function',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'function', function: 'mailer', input: {} }] },
        { field: 'nodes[0].function', errors: [expect.stringContaining("no function named 'mailer' is configured")] },
      ],
      [
        'a function node without a function',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'function', input: {} }] },
        { field: 'nodes[0].function', errors: ['is required for a function node'] },
      ],
      [
        '{{node:x}} naming a later node',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'template', template: 'see {{node:b}}' }, { id: 'b', type: 'template', template: 'x' }] },
        { field: 'nodes[0].template', errors: ['{{node:b}} does not name an earlier node'] },
      ],
      [
        '{{node:x}} naming the node itself, inside a function input',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'function', function: 'notepad', input: { action: 'add', content: '{{node:a.message}}' } }] },
        { field: 'nodes[0].input.content', errors: ['{{node:a.message}} does not name an earlier node'] },
      ],
      [
        'a forbidden path {{user:__proto__}}',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'template', template: 'x {{user:__proto__}}' }] },
        { field: 'nodes[0].template', errors: ["the path '__proto__' is not allowed in a template"] },
      ],
      [
        'a forbidden nested path {{user:a.constructor.name}}',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'template', template: '{{user:a.constructor.name}}' }] },
        { field: 'nodes[0].template', errors: ["the path 'a.constructor.name' is not allowed in a template"] },
      ],
      [
        'a node id used twice',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'template', template: 'x' }, { id: 'a', type: 'template', template: 'y' }] },
        { field: 'nodes[1].id', errors: ["node id 'a' is used twice"] },
      ],
      ['no nodes', { id: 'w', name: 'W', nodes: [] }, { field: 'nodes', errors: ['must contain at least 1 elements'] }],
      ['a bad on_missing', { ...greeting('w'), on_missing: 'ignore' }, { field: 'on_missing', errors: ["must be 'error', 'empty' or 'default:<text>'"] }],
      ['an unknown key', { ...greeting('w'), schedule: 'daily' }, { field: 'schedule', errors: [expect.stringMatching(/^unknown key 'schedule' for BatchWorkflowDefinition; known keys: id, name, /)] }],
      ['a bad id', { ...greeting('no spaces'), id: 'no spaces' }, { field: 'id', errors: ['must be 1-64 letters, digits, - _ or .'] }],
      [
        'an llm node naming no configured LLM',
        { id: 'w', name: 'W', nodes: [{ id: 'a', type: 'llm', llm: 'default', prompt: 'Hi' }] },
        { field: 'nodes[0].llm', errors: [expect.stringContaining("no LLM named 'default'")] },
      ],
    ])('refuses %s with 400 and the field errors', async (_case, body, error) => {
      const reply = await api.post('/api/workflows', body);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ code: 'bad_request', message: 'Invalid batch workflow.', details: expect.arrayContaining([error]) });
      expect((await api.get('/api/workflows/w')).status).toBe(404);
    });

    it('takes back what GET gives: source and fields are read-only and ignored', async () => {
      const created = (await api.post('/api/workflows', greeting('round-trip'))).json;
      const edited = { ...created, name: 'Edited' };
      const replaced = await api.put('/api/workflows/round-trip', edited);
      expect(replaced.status).toBe(200);
      expect(replaced.json).toEqual(edited);
      const copy = await api.post('/api/workflows', { ...(await api.get('/api/workflows/notes')).json, id: 'notes-copy' });
      expect(copy.status).toBe(201);
      expect(copy.json).toMatchObject({ id: 'notes-copy', source: 'api', fields: ['name', 'department'] });
      await api.delete('/api/workflows/round-trip');
      await api.delete('/api/workflows/notes-copy');
    });

    it('refuses an invalid replacement and keeps the workflow', async () => {
      await api.post('/api/workflows', greeting('keep'));
      const reply = await api.put('/api/workflows/keep', { name: 'K', nodes: [{ id: 'a', type: 'template', template: '{{node:zz}}' }] });
      expect(reply.status).toBe(400);
      expect(reply.json.details).toEqual([{ field: 'nodes[0].template', errors: ['{{node:zz}} does not name an earlier node'] }]);
      expect((await api.get('/api/workflows/keep')).json.nodes).toEqual(greeting('keep').nodes);
      await api.delete('/api/workflows/keep');
    });
  });

  describe('preflight and missing fields', () => {
    const bobMissing = { userId: 'bob', userName: 'Bob Smith', fields: ['department'] };
    const carolMissing = { userId: 'carol', userName: 'Carol Davis', fields: ['department'] };

    it('lists which selected users lack which fields', async () => {
      const some = await api.post('/api/workflows/notes/preflight', { userIds: ['alice', 'bob'] });
      expect(some.status).toBe(200);
      expect(some.json).toEqual({ fields: ['name', 'department'], missing: [bobMissing], ok: false });
      const all = await api.post('/api/workflows/notes/preflight', { all: true });
      expect(all.json.missing).toEqual(expect.arrayContaining([bobMissing, carolMissing]));
      expect(all.json.missing).toHaveLength(2);
      expect((await api.post('/api/workflows/notes/preflight', { userIds: ['alice'] })).json).toEqual({ fields: ['name', 'department'], missing: [], ok: true });
    });

    it('refuses bad selections', async () => {
      expect((await api.post('/api/workflows/notes/preflight', {})).json.message).toBe("Select users: give 'userIds' (a non-empty list) or 'all: true'.");
      expect((await api.post('/api/workflows/notes/preflight', { userIds: [] })).json).toEqual({
        code: 'bad_request',
        message: 'Invalid request body: userIds must name at least one user.',
        details: [{ field: 'userIds', errors: ['must name at least one user'] }],
      });
      expect((await api.post('/api/workflows/notes/preflight', { userIds: ['alice', 7], all: 'yes' })).json.message).toBe(
        'Invalid request body: userIds must be a list of user ids (strings); all must be true or false.',
      );
      const unknown = await api.post('/api/workflows/notes/preflight', { userIds: ['alice', 'zed'] });
      expect(unknown.status).toBe(400);
      expect(unknown.json.message).toBe('Unknown user ids: zed.');
      expect((await api.post('/api/workflows/nothing/preflight', { all: true })).status).toBe(404);
    });

    it('a run under on_missing: error is refused with the preflight as details, unless forced', async () => {
      const refused = await api.post('/api/runs', { workflowId: 'notes', userIds: ['alice', 'bob'] });
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({
        code: 'bad_request',
        message: '1 user(s) lack fields the workflow needs (on_missing: error); fix them, or start with force: true.',
        details: { fields: ['name', 'department'], missing: [bobMissing], ok: false },
      });
      expect((await api.get('/api/runs')).json.total).toBe(0);

      const { runId } = await api.startRun({ workflowId: 'notes', userIds: ['alice', 'bob'], force: true });
      const run = await api.finished(runId);
      expect(run.status).toBe('completed');
      const byUser = Object.fromEntries(run.executions.map((e: { userId: string }) => [e.userId, e]));
      expect(byUser.alice).toMatchObject({ status: 'succeeded', attempts: 1 });
      // A missing field is not worth retrying.
      expect(byUser.bob).toMatchObject({ status: 'failed', attempts: 1, error: "the user has no field 'department'" });
      const results = (await api.get(`/api/runs/${runId}/results`)).json;
      const alice = results.users.find((u: { userId: string }) => u.userId === 'alice');
      expect(alice.final).toBe('Alice Johnson (Marketing): Note added successfully, 1 note(s)');
    });

    it('renders missing fields as empty text, or as the default, under those policies', async () => {
      await api.post('/api/workflows', greeting('greet-empty', 'empty'));
      await api.post('/api/workflows', greeting('greet-default', 'default:somewhere'));
      const finals = async (workflowId: string) => {
        const { runId } = await api.startRun({ workflowId, all: true });
        expect((await api.finished(runId)).status).toBe('completed');
        const { users } = (await api.get(`/api/runs/${runId}/results`)).json;
        return Object.fromEntries(users.map((u: { userId: string; final: string }) => [u.userId, u.final]));
      };
      expect(await finals('greet-empty')).toEqual({
        alice: 'Hi Alice Johnson from Marketing on LinkedIn!',
        bob: 'Hi Bob Smith from  on TikTok!',
        carol: 'Hi Carol Davis from  on !',
      });
      expect(await finals('greet-default')).toEqual({
        alice: 'Hi Alice Johnson from Marketing on LinkedIn!',
        bob: 'Hi Bob Smith from somewhere on TikTok!',
        carol: 'Hi Carol Davis from somewhere on somewhere!',
      });
    });

    it('refuses runs it cannot start', async () => {
      expect((await api.post('/api/runs', { workflowId: 'nothing', all: true })).status).toBe(404);
      expect((await api.post('/api/runs', { all: true })).json).toEqual({
        code: 'bad_request',
        message: 'Invalid request body: workflowId is required: the id of a batch workflow.',
        details: [{ field: 'workflowId', errors: ['is required: the id of a batch workflow'] }],
      });
      expect((await api.post('/api/runs', { workflowId: 'profile' })).status).toBe(400);
      expect((await api.post('/api/runs', [{ workflowId: 'profile' }])).json.message).toBe('The request body must be a JSON object.');
      // The body's own rules first, each naming its field; then the config's bound.
      for (const [concurrency, problem] of [[0, 'must be at least 1'], [2.5, 'must be a whole number'], ['3', 'must be a whole number']]) {
        const reply = await api.post('/api/runs', { workflowId: 'profile', all: true, concurrency });
        expect(reply.status).toBe(400);
        expect(reply.json).toEqual({ code: 'bad_request', message: `Invalid request body: concurrency ${problem}.`, details: [{ field: 'concurrency', errors: [problem] }] });
      }
      const tooMany = await api.post('/api/runs', { workflowId: 'profile', all: true, concurrency: 51 });
      expect(tooMany.status).toBe(400);
      expect(tooMany.json.message).toBe('concurrency must be an integer from 1 to 50 (batch.max_concurrency).');
    });
  });
});
