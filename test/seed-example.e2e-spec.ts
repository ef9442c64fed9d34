import { startServer, TestServer } from './support/test-server';
import { ASSISTANT_HELP } from '@userscope/examples';

/** The curl session of the seed's README, replayed over a real port; replies as the reference specifies. */
describe('seed example over HTTP (configs/config.yml)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('configs/config.yml');
  });
  afterAll(() => server.close());

  it('replays the seed curl session byte for byte', async () => {
    const steps: [string, unknown, string][] = [
      ['alice', { command: 'note', action: 'add', param1: 'Alices first note' }, '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":1}}'],
      ['alice', { command: 'note', action: 'list' }, '{"success":true,"message":"Found 1 notes","data":{"notes":["Alices first note"],"count":1,"commands_executed":2}}'],
      ['bob', { command: 'note', action: 'list' }, '{"success":true,"message":"Found 0 notes","data":{"notes":[],"count":0,"commands_executed":1}}'],
      ['bob', { command: 'note', action: 'add', param1: 'Bobs note' }, '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":2}}'],
      ['alice', { command: 'pref', action: 'set', param1: 'theme', param2: 'light' }, `{"success":true,"message":"Preference 'theme' set to 'light'","data":{"value":"","preferences":{"theme":"light","language":"en","notifications":"enabled"},"commands_executed":3}}`],
      ['bob', { command: 'pref', action: 'get', param1: 'theme' }, `{"success":true,"message":"Preference 'theme' = 'dark'","data":{"value":"dark","preferences":{},"commands_executed":3}}`],
      ['alice', { command: 'help' }, JSON.stringify({ success: true, message: ASSISTANT_HELP, data: { commands_executed: 4 } })],
      ['alice', { command: 'stats' }, '{"success":true,"message":"Session statistics: 5 commands executed","data":{"commands_executed":5}}'],
    ];
    for (const [user, body, expected] of steps) {
      const reply = await server.post('/generate', body, user);
      expect({ user, body, status: reply.status, text: reply.text }).toEqual({ user, body, status: 200, text: expected });
    }
  });

  it('answers /health', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'healthy' });
  });

  it('answers a request without identity with 401 naming the cookie', async () => {
    const reply = await server.post('/generate', { command: 'help' });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ code: 'missing_identity', message: expect.stringContaining("'nat-session' cookie") });
  });

  it.each([['a b'], ['x'.repeat(129)], ['%41'], ['ali/ce']])('rejects the session id %j with 400', async (id) => {
    const reply = await server.post('/generate', { command: 'help' }, undefined, { cookie: `nat-session=${id}` });
    expect(reply.status).toBe(400);
    expect(reply.json.code).toBe('invalid_session_id');
  });

  it('accepts every character of the session id alphabet', async () => {
    const reply = await server.post('/generate', { command: 'stats' }, 'A-z_0.9~');
    expect(reply.status).toBe(200);
  });

  it('rejects a body that does not match the input schema with the field errors', async () => {
    const reply = await server.post('/generate', { command: 5, extra: true }, 'carol');
    expect(reply.status).toBe(400);
    expect(reply.json.code).toBe('invalid_input');
    expect(reply.json.details).toEqual(
      expect.arrayContaining([
        { field: 'command', errors: ['command must be a string'] },
        { field: 'extra', errors: ['property extra should not exist'] },
      ]),
    );
    // A rejected body creates no session: carol's first real command is her first.
    const first = await server.post('/generate', { command: 'stats' }, 'carol');
    expect(first.json.data.commands_executed).toBe(1);
  });

  it.each([
    ['a missing required field', {}],
    ['an array', [1]],
    ['a string', '"help"'],
    ['malformed JSON', '{"command":'],
  ])('rejects %s with a JSON 400', async (_label, body) => {
    const reply = await server.post('/generate', body, 'dave');
    expect(reply.status).toBe(400);
    expect(typeof reply.json.message).toBe('string');
  });

  it('keeps prototype-like preference keys as plain data per user', async () => {
    const set = await server.post('/generate', { command: 'pref', action: 'set', param1: '__proto__', param2: 'x' }, 'eve');
    expect(set.text).toContain('"__proto__":"x"');
    const other = await server.post('/generate', { command: 'pref', action: 'get', param1: '__proto__' }, 'frank');
    expect(other.json).toMatchObject({ success: false, message: "Preference '__proto__' not found" });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
