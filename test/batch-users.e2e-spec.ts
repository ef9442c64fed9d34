import { startServer, TestServer } from './support/test-server';
import { BatchApi } from './support/batch-api';

const CONFIG = 'test/fixtures/batch.yml';
const BOM = '\uFEFF';

describe('batch users directory', () => {
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    server = await startServer(CONFIG, { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '' });
    api = new BatchApi(server.url);
  });
  afterAll(() => server.close());

  /** Empties the directory so each test starts from nothing. */
  beforeEach(async () => {
    const { items } = (await api.get('/api/users?limit=1000')).json;
    await Promise.all(items.map((user: { id: string }) => api.delete(`/api/users/${user.id}`)));
  });

  const ids = async (query = '') => (await api.get(`/api/users${query}`)).json.items.map((user: { id: string }) => user.id);

  describe('create, get, replace, delete', () => {
    it('creates a user with an id made from the name, and gets it', async () => {
      const created = await api.post('/api/users', { name: 'Alice Johnson', role: 'Marketing Manager', preferences: { platform: 'LinkedIn' } });
      expect(created.status).toBe(201);
      expect(created.json).toEqual({ id: 'alice-johnson', name: 'Alice Johnson', role: 'Marketing Manager', preferences: { platform: 'LinkedIn' } });
      expect((await api.get('/api/users/alice-johnson')).json).toEqual(created.json);
      // The same name again gets a free id; the same id again is a conflict.
      expect((await api.post('/api/users', { name: 'Alice Johnson' })).json.id).toBe('alice-johnson-2');
      const duplicate = await api.post('/api/users', { id: 'alice-johnson', name: 'Someone Else' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.json).toMatchObject({ code: 'conflict', message: expect.stringContaining("'alice-johnson'"), details: [{ field: 'id', errors: ['is taken by another user'] }] });
      expect((await api.get('/api/users/alice-johnson')).json.name).toBe('Alice Johnson');
    });

    it('keeps a given id and refuses invalid users', async () => {
      expect((await api.post('/api/users', { id: 'bob_1.x~', name: 'Bob' })).status).toBe(201);
      for (const body of [{ id: 'bad id!', name: 'X' }, { id: 'x'.repeat(129), name: 'X' }, { name: '  ' }, { id: 'no-name' }, [1, 2], { name: 'X', nested: { constructor: 1 } }]) {
        const reply = await api.post('/api/users', body);
        expect(reply.status).toBe(400);
        expect(reply.json.code).toBe('bad_request');
      }
      expect(await ids()).toEqual(['bob_1.x~']);
    });

    it('names the field at fault in details, as body validation does, so the page can show it at that field', async () => {
      const badId = await api.post('/api/users', { id: 'bad id!', name: 'X' });
      expect(badId.json).toMatchObject({ message: expect.stringContaining("'id' must match"), details: [{ field: 'id', errors: [expect.stringMatching(/^must match/)] }] });
      expect((await api.post('/api/users', { name: '  ' })).json.details).toEqual([{ field: 'name', errors: ['is required'] }]);
      expect((await api.post('/api/users', { name: 'X', nested: { constructor: 1 } })).json.details).toEqual([{ field: 'constructor', errors: ['is not allowed as a key'] }]);
      expect((await api.post('/api/users', [1, 2])).json.details).toBeUndefined(); // not a user at all: no field to name
      await api.post('/api/users', { id: 'erin', name: 'Erin' });
      expect((await api.put('/api/users/erin', { id: 'erin2', name: 'Erin' })).json.details).toEqual([{ field: 'id', errors: ['cannot change'] }]);
      expect((await api.put('/api/users/erin', { name: '' })).json.details).toEqual([{ field: 'name', errors: ['is required'] }]);
    });

    it('refuses control characters in names, and control and bidi-override characters in ids', async () => {
      for (const name of ['Ann\u0000', 'Ann\u001b[31m', 'Ann\u0085']) {
        const reply = await api.post('/api/users', { name });
        expect(reply.status).toBe(400);
        expect(reply.json.message).toContain('control characters');
      }
      for (const id of ['ann\u0000', 'ann\u202e', 'ann\u2066x']) expect((await api.post('/api/users', { id, name: 'Ann' })).status).toBe(400);
      const imported = await api.importCsv('name\nBo\u0007\n');
      expect(imported.json.rejected).toEqual([{ row: 2, reason: expect.stringContaining('control characters') }]);
      expect(await ids()).toEqual([]);
    });

    it('answers 404 for an unknown user', async () => {
      const reply = await api.get('/api/users/nobody');
      expect(reply.status).toBe(404);
      expect(reply.json).toEqual({ code: 'not_found', message: "No user 'nobody' in the directory." });
      expect((await api.put('/api/users/nobody', { name: 'N' })).status).toBe(404);
      expect((await api.delete('/api/users/nobody')).status).toBe(404);
    });

    it('replaces every field, keeps the id, refuses a different id', async () => {
      await api.post('/api/users', { id: 'carol', name: 'Carol', role: 'Designer', team: 'A' });
      const replaced = await api.put('/api/users/carol', { name: 'Carol Davis', role: 'Social Media Specialist' });
      expect(replaced.status).toBe(200);
      expect(replaced.json).toEqual({ id: 'carol', name: 'Carol Davis', role: 'Social Media Specialist' });
      expect((await api.put('/api/users/carol', { id: 'carol', name: 'Carol D' })).json.name).toBe('Carol D');
      const moved = await api.put('/api/users/carol', { id: 'caroline', name: 'Caroline' });
      expect(moved.status).toBe(400);
      expect((await api.get('/api/users/carol')).json).toEqual({ id: 'carol', name: 'Carol D' });
    });

    it('deletes with 204', async () => {
      await api.post('/api/users', { id: 'dave', name: 'Dave' });
      const reply = await api.delete('/api/users/dave');
      expect(reply.status).toBe(204);
      expect(reply.text).toBe('');
      expect((await api.get('/api/users/dave')).status).toBe(404);
    });
  });

  it('refuses a run of everybody while the directory is empty', async () => {
    const reply = await api.post('/api/runs', { workflowId: 'profile', all: true });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ code: 'bad_request', message: "The directory has no users; 'all: true' selects nobody." });
    expect((await api.get('/api/runs')).json).toEqual({ items: [], total: 0 });
  });

  describe('list', () => {
    beforeEach(async () => {
      await api.importUsers([
        { id: 'alice', name: 'Alice Johnson', role: 'Marketing Manager', preferences: { platform: 'LinkedIn' } },
        { id: 'bob', name: 'bob smith', role: 'Content Creator', preferences: { platform: 'TikTok' } },
        { id: 'carol', name: 'Carol Davis', role: 'Social Media Specialist', preferences: { platform: 'Instagram' }, level: 10 },
        { id: 'dan', name: 'Dan Brown', role: 'Engineer', level: 9 },
        { id: 'erin', name: 'Erin Tiktokker', role: 'Engineer', level: 100 },
      ]);
    });

    it('sorts by name, case-insensitively, ascending by default', async () => {
      expect(await ids()).toEqual(['alice', 'bob', 'carol', 'dan', 'erin']);
      expect(await ids('?order=desc')).toEqual(['erin', 'dan', 'carol', 'bob', 'alice']);
    });

    it('sorts by any field, nested ones too; numbers as numbers; users without it first', async () => {
      expect(await ids('?sort=preferences.platform')).toEqual(['dan', 'erin', 'carol', 'alice', 'bob']);
      expect(await ids('?sort=level')).toEqual(['alice', 'bob', 'dan', 'carol', 'erin']);
      expect(await ids('?sort=role&order=desc')).toEqual(['carol', 'alice', 'dan', 'erin', 'bob']);
    });

    it('searches id, name and every string field, nested ones included, case-insensitively', async () => {
      expect(await ids('?search=JOHNSON')).toEqual(['alice']);
      expect(await ids('?search=tiktok')).toEqual(['bob', 'erin']); // preferences.platform and a name
      expect(await ids('?search=engineer')).toEqual(['dan', 'erin']);
      expect(await ids('?search=car')).toEqual(['carol']);
      expect(await ids('?search=nothing-like-this')).toEqual([]);
      expect(await ids(`?search=${encodeURIComponent('  Smith ')}`)).toEqual(['bob']);
    });

    it('pages with offset and limit; total counts every match', async () => {
      expect((await api.get('/api/users?limit=2')).json).toEqual({ items: [expect.objectContaining({ id: 'alice' }), expect.objectContaining({ id: 'bob' })], total: 5 });
      expect(await ids('?offset=2&limit=2')).toEqual(['carol', 'dan']);
      expect(await ids('?offset=4&limit=2')).toEqual(['erin']);
      expect((await api.get('/api/users?offset=10')).json).toEqual({ items: [], total: 5 });
      expect((await api.get('/api/users?search=engineer&limit=1')).json).toEqual({ items: [expect.objectContaining({ id: 'dan' })], total: 2 });
      expect((await api.get('/api/users?limit=-1')).status).toBe(400);
      expect((await api.get('/api/users?offset=x')).status).toBe(400);
    });
  });

  describe('CSV import', () => {
    it('reads a BOM, CRLF, quoted commas, newlines and escaped quotes, skips blank lines', async () => {
      const csv = [
        `${BOM}id,name,role,bio,preferences.platform`,
        'alice,"Johnson, Alice",Marketing Manager,"says ""hi""',
        'and bye",LinkedIn',
        '',
        'bob,Bob Smith,"Content Creator",,TikTok',
        '',
      ].join('\r\n');
      const reply = await api.importCsv(csv);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ imported: 2, rejected: [] });
      expect((await api.get('/api/users/alice')).json).toEqual({
        id: 'alice',
        name: 'Johnson, Alice',
        role: 'Marketing Manager',
        bio: 'says "hi"\r\nand bye',
        preferences: { platform: 'LinkedIn' },
      });
      expect((await api.get('/api/users/bob')).json).toEqual({ id: 'bob', name: 'Bob Smith', role: 'Content Creator', preferences: { platform: 'TikTok' } });
    });

    it('rejects rows with the wrong number of cells, by row, and imports the others', async () => {
      const csv = 'id,name,role\nalice,Alice,Manager\nbob,Bob\ncarol,Carol,Designer,extra\ndan,Dan,Engineer\n';
      const reply = await api.importCsv(csv);
      expect(reply.json).toEqual({
        imported: 2,
        rejected: [
          { row: 3, reason: 'the row has 2 cells but the header has 3 columns' },
          { row: 4, reason: 'the row has 4 cells but the header has 3 columns' },
        ],
      });
      expect(await ids()).toEqual(['alice', 'dan']);
    });

    it('numbers rows as the line they start on: the header is row 1, blank lines and quoted newlines count', async () => {
      const csv = 'name,note\n\nAnn,"two\nlines"\nbad row,with,three\n';
      expect((await api.importCsv(csv)).json).toEqual({ imported: 1, rejected: [{ row: 5, reason: 'the row has 3 cells but the header has 2 columns' }] });
    });

    it('refuses a header without a name column (400), and unreadable CSV', async () => {
      const noName = await api.importCsv('id,full_name\nalice,Alice\n');
      expect(noName.status).toBe(400);
      expect(noName.json).toEqual({ code: 'bad_request', message: "The CSV header must have a 'name' column (and optionally 'id' and any other fields)." });
      const unterminated = await api.importCsv('name,bio\nAnn,"open\n');
      expect(unterminated.status).toBe(400);
      expect(unterminated.json.message).toContain('unterminated quoted field starting on line 2');
      expect((await api.importCsv('')).status).toBe(400);
      expect(await ids()).toEqual([]);
    });

    it('rejects invalid ids, an id twice in the import, and a row without a name; makes ids from names', async () => {
      const csv = 'id,name\nok-1,First\nbad id,Second\nok-1,Third\n,Fourth Person\nno-name,\n';
      const reply = await api.importCsv(csv);
      expect(reply.json.imported).toBe(2);
      expect(reply.json.rejected).toEqual([
        { row: 3, reason: expect.stringContaining("'id' must match") },
        { row: 4, reason: "the id 'ok-1' appears twice in the import" },
        { row: 6, reason: "'name' is required" },
      ]);
      expect(await ids()).toEqual(['ok-1', 'fourth-person']);
      expect((await api.get('/api/users/ok-1')).json.name).toBe('First');
    });

    it('refuses a column that would reach a prototype, and leaves Object.prototype alone', async () => {
      const reply = await api.importCsv('name,__proto__.polluted,constructor.prototype.polluted\nMallory,yes,yes\n');
      expect(reply.status).toBe(400);
      expect(reply.json.message).toContain('__proto__.polluted');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(await ids()).toEqual([]);
    });

    it('ignores a column without a name, as spreadsheets leave them', async () => {
      expect((await api.importCsv('id,name,\r\nalice,Alice,\r\nbob,Bob,stray\r\n')).json).toEqual({ imported: 2, rejected: [] });
      expect((await api.get('/api/users/export')).json).toEqual([{ id: 'alice', name: 'Alice' }, { id: 'bob', name: 'Bob' }]);
    });

    it('upserts by default; mode=skip keeps existing users and reports them', async () => {
      await api.importCsv('id,name,role\nalice,Alice,Manager\n');
      const upsert = await api.importCsv('id,name,role\nalice,Alice J,Director\nbob,Bob,Engineer\n', '?mode=upsert');
      expect(upsert.json).toEqual({ imported: 2, rejected: [] });
      expect((await api.get('/api/users/alice')).json).toEqual({ id: 'alice', name: 'Alice J', role: 'Director' });
      const skip = await api.importCsv('id,name,role\nalice,Alice K,CEO\ncarol,Carol,Designer\n', '?mode=skip');
      expect(skip.json).toEqual({ imported: 1, rejected: [{ row: 2, reason: "a user with id 'alice' already exists" }] });
      expect((await api.get('/api/users/alice')).json.role).toBe('Director');
      expect(await ids()).toEqual(['alice', 'bob', 'carol']);
      expect((await api.importCsv('name\nX\n', '?mode=replace')).status).toBe(400);
    });

    it('refuses other content types', async () => {
      const reply = await api.call('POST', '/api/users/import', 'name\nX\n', { 'content-type': 'text/plain' });
      expect(reply.status).toBe(415);
      expect(reply.json.code).toBe('unsupported_media_type');
    });
  });

  describe('JSON import', () => {
    it('imports the good elements and rejects the bad ones by array index + 1', async () => {
      const reply = await api.post('/api/users/import', [
        { id: 'alice', name: 'Alice', preferences: { platform: 'LinkedIn' } },
        'not a user',
        { id: 'bob' },
        { name: 'Carol Davis', tags: ['a', 'b'] },
        { id: 'in valid', name: 'X' },
        { id: 'alice', name: 'Alice again' },
      ]);
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({
        imported: 2,
        rejected: [
          { row: 2, reason: 'a user must be a JSON object' },
          { row: 3, reason: "'name' is required" },
          { row: 5, reason: expect.stringContaining("'id' must match") },
          { row: 6, reason: "the id 'alice' appears twice in the import" },
        ],
      });
      expect((await api.get('/api/users/carol-davis')).json).toEqual({ id: 'carol-davis', name: 'Carol Davis', tags: ['a', 'b'] });
      expect((await api.post('/api/users/import', { name: 'not an array' })).status).toBe(400);
    });
  });

  describe('export', () => {
    const users = [
      { id: 'alice', name: 'Johnson, Alice', role: 'Marketing Manager', preferences: { platform: 'LinkedIn', theme: 'dark' } },
      { id: 'bob', name: 'Bob "the builder" Smith', bio: 'line one\nline two' },
      { id: 'carol', name: 'Carol', preferences: { platform: 'TikTok' } },
    ];

    it('exports JSON that imports back to the same directory', async () => {
      await api.importUsers(users);
      const exported = await api.get('/api/users/export');
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toContain('application/json');
      expect(exported.json).toEqual(users);
      await Promise.all(users.map((user) => api.delete(`/api/users/${user.id}`)));
      expect((await api.post('/api/users/import', exported.json)).json).toEqual({ imported: 3, rejected: [] });
      expect((await api.get('/api/users/export?format=json')).json).toEqual(users);
    });

    it('exports CSV with a BOM, nested fields as dotted columns, that imports back', async () => {
      await api.importUsers(users);
      const exported = await api.get('/api/users/export?format=csv');
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toContain('text/csv');
      expect(exported.headers.get('content-disposition')).toContain('users.csv');
      expect(exported.text.startsWith(BOM)).toBe(true);
      const lines = exported.text.slice(1).split('\r\n');
      expect(lines[0]).toBe('id,name,bio,preferences.platform,preferences.theme,role');
      expect(lines[1]).toBe('alice,"Johnson, Alice",,LinkedIn,dark,Marketing Manager');
      expect(lines[2]).toBe('bob,"Bob ""the builder"" Smith","line one\nline two",,,');
      await Promise.all(users.map((user) => api.delete(`/api/users/${user.id}`)));
      expect((await api.importCsv(exported.text)).json).toEqual({ imported: 3, rejected: [] });
      expect((await api.get('/api/users/export')).json).toEqual(users);
      expect((await api.get('/api/users/export?format=xml')).status).toBe(400);
    });
  });
});

describe('batch routes with an admin token', () => {
  it('answer only with the bearer token', async () => {
    const server = await startServer(CONFIG, { ...process.env, ADMIN_TOKEN: 'batch-admin-secret' });
    try {
      const api = new BatchApi(server.url);
      for (const path of ['/api/users', '/api/workflows', '/api/runs']) {
        const reply = await api.get(path);
        expect(reply.status).toBe(401);
        expect(reply.json.code).toBe('unauthorized');
      }
      expect((await api.call('GET', '/api/users', undefined, { authorization: 'Bearer wrong' })).status).toBe(403);
      expect((await api.call('GET', '/api/users', undefined, { authorization: 'Bearer batch-admin-secret' })).json).toEqual({ items: [], total: 0 });
    } finally {
      await server.close();
    }
  });
});
