import { randomBytes } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { Logger } from '@nestjs/common';
import { sign } from 'jsonwebtoken';
import { NEVER_ABORTED, SessionLifecycle, SessionRegistry, UserFunctions } from '@userscope/runtime';
import { startServer, TestServer } from './support/test-server';
import { FakeOpenAiServer } from './support/fake-openai.server';
import { McpTestServer } from './support/mcp-test.server';

const CONFIG = 'test/fixtures/mcp-client.yml';
const SECRETS_KEY = randomBytes(32).toString('base64');
const JWT_SECRET = 'mcp-client-jwt-secret-of-32-chars!';

describe('per_user_mcp_client: each user their own MCP client, with their own token', () => {
  let mcp: McpTestServer;
  let fake: FakeOpenAiServer;
  let server: TestServer;
  let functions: UserFunctions;

  async function putSecret(user: string, value: string): Promise<number> {
    const response = await fetch(`${server.url}/api/users/${user}/secrets/tickets_token`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value }),
    });
    return response.status;
  }

  beforeAll(async () => {
    mcp = await McpTestServer.start(0, { slow: true });
    fake = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, MCP_URL: mcp.url, FAKE_LLM_URL: fake.url, USERSCOPE_SECRETS_KEY: SECRETS_KEY });
    functions = server.app.get(UserFunctions);
  });
  afterAll(async () => {
    await server?.close();
    await fake.close();
    await mcp.close();
  });
  beforeEach(() => fake.reset());

  it("300 users, each with their own token: no call carries another user's token, and each eviction sends one DELETE", async () => {
    const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
    for (const user of users) expect(await putSecret(user, `token-${user}`)).toBe(200);
    const seen = await Promise.all(users.map((user) => functions.invoke(user, 'tickets__whoami', {})));
    // 300 calls at once, none bounded by a signal of its own: none left a listener on the one signal they share
    // (the SDK never removes its own: 11 were a MaxListenersExceededWarning, and every one a leak).
    expect(getEventListeners(NEVER_ABORTED, 'abort')).toHaveLength(0);
    expect(seen).toEqual(users.map((user) => `Bearer token-${user}`));
    // Every request of one MCP session carried one token, and no two users share a session.
    const tokenOf = new Map<string, string | undefined>();
    for (const call of mcp.calls) {
      if (!call.sessionId) continue;
      if (!tokenOf.has(call.sessionId)) tokenOf.set(call.sessionId, call.authorization);
      expect(call.authorization).toBe(tokenOf.get(call.sessionId));
    }
    expect(new Set(tokenOf.values()).size).toBe(300);
    expect(tokenOf.size).toBe(300);

    const evicted = await server.app.get(SessionLifecycle).evictIdleSince(Date.now() + 1000);
    expect(evicted).toBe(300);
    const deletes = mcp.deletes();
    expect(deletes).toHaveLength(300);
    expect(new Set(deletes.map((call) => call.sessionId))).toEqual(new Set(tokenOf.keys()));
    for (const call of deletes) expect(call.authorization).toBe(tokenOf.get(call.sessionId!));
  }, 90_000);

  it('a user whose token changes gets a new client; the old session is ended', async () => {
    await putSecret('carol', 'carol-1');
    expect(await functions.invoke('carol', 'tickets__whoami', {})).toBe('Bearer carol-1');
    const before = mcp.deletes().length;
    await putSecret('carol', 'carol-2');
    expect(await functions.invoke('carol', 'tickets__whoami', {})).toBe('Bearer carol-2');
    const ended = mcp.deletes().slice(before);
    expect(ended.map((call) => call.authorization)).toEqual(['Bearer carol-1']);
  });

  it('a call in flight when the token changes finishes on its old session, which ends after it', async () => {
    await putSecret('cole', 'cole-1');
    expect(await functions.invoke('cole', 'tickets__whoami', {})).toBe('Bearer cole-1');
    const release = mcp.holdSlowCalls();
    const slowCalls = mcp.calls.filter((call) => call.rpc === 'tools/call').length;
    const held = functions.invoke('cole', 'tickets__slow', {});
    const deletes = mcp.deletes().length;
    try {
      await mcp.received(slowCalls + 1, (call) => call.rpc === 'tools/call');
      await putSecret('cole', 'cole-2');
      expect(await functions.invoke('cole', 'tickets__whoami', {})).toBe('Bearer cole-2');
      expect(mcp.deletes()).toHaveLength(deletes);
    } finally {
      release();
    }
    expect(await held).toBe('done');
    await mcp.received(deletes + 1, (call) => call.method === 'DELETE');
    expect(mcp.deletes().slice(deletes).map((call) => call.authorization)).toEqual(['Bearer cole-1']);
  });

  it('after the MCP server restarts, a stale session is initialised again on a new connection and the call succeeds', async () => {
    await putSecret('dave', 'dave-token');
    expect(await functions.invoke('dave', 'tickets__add', { a: 2, b: 3 })).toBe('5');
    const stale = mcp.calls.at(-1)!.sessionId;
    await mcp.restart();
    const from = mcp.calls.length;
    expect(await functions.invoke('dave', 'tickets__add', { a: 4, b: 5 })).toBe('9');
    // The restart closed the kept connections, so the stale call may never have arrived; what did went on a new session.
    const after = mcp.calls.slice(from).filter((call) => call.method === 'POST');
    expect(after.map((call) => call.rpc).filter((rpc) => rpc !== 'notifications/initialized')).toEqual(['initialize', 'tools/call']);
    expect(after.at(-1)!.sessionId).not.toBe(stale);
    expect(after.at(-1)!.authorization).toBe('Bearer dave-token');
  });

  it('a session the server forgot (404 for its id, the connection kept) is initialised again and the call retried once', async () => {
    await putSecret('dora', 'dora-token');
    expect(await functions.invoke('dora', 'tickets__add', { a: 1, b: 2 })).toBe('3');
    const stale = mcp.calls.at(-1)!.sessionId;
    mcp.forgetSessions();
    const from = mcp.calls.length;
    expect(await functions.invoke('dora', 'tickets__add', { a: 2, b: 2 })).toBe('4');
    const after = mcp.calls.slice(from).filter((call) => call.method === 'POST' && call.rpc !== 'notifications/initialized');
    expect(after.map((call) => [call.rpc, call.sessionId === stale])).toEqual([
      ['tools/call', true],
      ['initialize', false],
      ['tools/call', false],
    ]);
  });

  it("a caller's signal keeps no listener once its calls are done", async () => {
    await putSecret('ema', 'ema-token');
    const caller = new AbortController();
    for (let i = 0; i < 20; i++) expect(await functions.invoke('ema', 'tickets__add', { a: i, b: 1 }, caller.signal)).toBe(String(i + 1));
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('input that does not match the tool schema is a 400 with the field errors, before the server is called', async () => {
    await putSecret('erin', 'erin-token');
    await expect(functions.invoke('erin', 'tickets__add', { a: 'x' })).rejects.toMatchObject({ status: 400 });
  });

  it("the chat agent calls an MCP tool for alice; the result goes back to the model, and bob's conversation never sees it", async () => {
    await putSecret('alice', 'alice-token');
    await putSecret('bob', 'bob-token');
    fake.reply({ toolCalls: [{ name: 'tickets__whoami', arguments: {} }] }, { content: 'You are alice.' });
    const reply = await server.post('/chat', { messages: [{ role: 'user', content: 'who am I?' }] }, 'alice');
    expect(reply.json.choices[0].message.content).toBe('You are alice.');
    const tools = fake.requests[0].body.tools.map((tool: { function: { name: string; description: string } }) => tool.function);
    expect(tools.find((tool: { name: string }) => tool.name === 'tickets__add')).toMatchObject({
      description: 'Adds two numbers',
      parameters: expect.objectContaining({ properties: { a: { type: 'number' }, b: { type: 'number' } } }),
    });
    expect(fake.requests[1].body.messages.at(-1)).toMatchObject({ role: 'tool', content: 'Bearer alice-token' });

    fake.reset();
    await server.post('/chat', { messages: [{ role: 'user', content: 'hello' }] }, 'bob');
    expect(JSON.stringify(fake.requests.map((request) => request.body))).not.toContain('alice-token');
  });

  it('a server that is down gives a tool error the model sees', async () => {
    await putSecret('frank', 'frank-token');
    await mcp.close();
    try {
      fake.reply({ toolCalls: [{ name: 'tickets__add', arguments: { a: 1, b: 1 } }] }, { content: 'The ticket server is down.' });
      await server.post('/chat', { messages: [{ role: 'user', content: 'add 1 and 1' }] }, 'frank');
      const toolMessage = fake.requests[1].body.messages.at(-1);
      expect(toolMessage.role).toBe('tool');
      expect(JSON.parse(toolMessage.content).error).toMatch(/cannot be reached/);
    } finally {
      await mcp.restart();
    }
  });

  it('/monitor/users shows the MCP session; /mcp/client/tool/list the group with its health per user', async () => {
    await putSecret('gina', 'gina-token');
    await functions.invoke('gina', 'tickets__whoami', {});
    const monitor = (await (await fetch(`${server.url}/monitor/users?user_id=gina`)).json()) as any;
    expect(monitor.users[0].mcp_sessions).toEqual([{ group: 'tickets', connected: true, session_id: expect.any(String), tools: ['whoami', 'add', 'slow'] }]);
    const list = (await (await fetch(`${server.url}/mcp/client/tool/list?user_id=gina`)).json()) as any;
    expect(list.groups).toEqual([
      { group: 'tickets', type: 'per_user_mcp_client', transport: 'streamable-http', include: ['whoami', 'add', 'slow'], users: [expect.objectContaining({ user_id: 'gina', connected: true })] },
    ]);
    expect(JSON.stringify([monitor, list])).not.toContain('gina-token');
  });

  it('secrets: listed by name and time only, never in a response; DELETE removes them', async () => {
    await putSecret('hank', 'hank-very-secret');
    const listed = await (await fetch(`${server.url}/api/users/hank/secrets`)).json();
    expect(listed).toEqual([{ name: 'tickets_token', updated_at: expect.any(String) }]);
    const bad = await fetch(`${server.url}/api/users/hank/secrets/tickets_token`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value": 5}' });
    expect(bad.status).toBe(400);
    const deleted = await fetch(`${server.url}/api/users/hank/secrets/tickets_token`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await (await fetch(`${server.url}/api/users/hank/secrets`)).json()).toEqual([]);
  });

  it('hostile secret input is a 400 saying what is wrong: bad names, bad ids, empty, huge or NUL values, not JSON', async () => {
    const put = (path: string, body: string) => fetch(`${server.url}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
    const cases: [string, string, RegExp][] = [
      ['/api/users/ivan/secrets/bad%20name', '{"value":"v"}', /a secret name must match/],
      [`/api/users/ivan/secrets/${'n'.repeat(65)}`, '{"value":"v"}', /a secret name must match/],
      ['/api/users/ivan/secrets/..%2F..%2Fetc', '{"value":"v"}', /a secret name must match/],
      ['/api/users/iv%20an/secrets/token', '{"value":"v"}', /a user id must match/],
      ['/api/users/ivan/secrets/token', '{"value":""}', /non-empty string of at most 8192 characters/],
      ['/api/users/ivan/secrets/token', JSON.stringify({ value: 'x'.repeat(8193) }), /at most 8192 characters/],
      ['/api/users/ivan/secrets/token', JSON.stringify({ value: 'a\u0000b' }), /without NUL characters/],
      ['/api/users/ivan/secrets/token', '["v"]', /must be a JSON object/],
    ];
    for (const [path, body, message] of cases) {
      const reply = await put(path, body);
      expect([path.slice(0, 60), reply.status]).toEqual([path.slice(0, 60), 400]);
      expect(((await reply.json()) as { message: string }).message).toMatch(message);
    }
    expect((await put('/api/users/ivan/secrets/token', '{"value":')).status).toBe(400);
    expect(await (await fetch(`${server.url}/api/users/ivan/secrets`)).json()).toEqual([]);

    // general.secrets.max_per_user (3 here): a fourth name is refused, a known one is still replaced.
    for (const name of ['a', 'b', 'c']) expect((await put(`/api/users/ivan/secrets/${name}`, '{"value":"v"}')).status).toBe(200);
    const fourth = await put('/api/users/ivan/secrets/d', '{"value":"v"}');
    expect(fourth.status).toBe(400);
    expect(await fourth.json()).toMatchObject({ code: 'secret_limit', message: expect.stringContaining('general.secrets.max_per_user (3)') });
    expect((await put('/api/users/ivan/secrets/a', '{"value":"w"}')).status).toBe(200);
    expect(((await (await fetch(`${server.url}/api/users/ivan/secrets`)).json()) as { name: string }[]).map((secret) => secret.name)).toEqual(['a', 'b', 'c']);
  });

  it('a secret that cannot go in a header (a line break) fails the call naming the header, never quoting the value', async () => {
    const secret = 'jay-token\r\nX-Injected: yes';
    expect(await putSecret('jay', secret)).toBe(200);
    const error = await functions.invoke('jay', 'tickets__whoami', {}).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/header 'Authorization' for user 'jay' would hold a line break/);
    const monitor = await (await fetch(`${server.url}/monitor/users?user_id=jay`)).text();
    expect(monitor).toContain('would hold a line break');
    expect(JSON.stringify([(error as Error).message, monitor])).not.toContain('jay-token');
    expect(mcp.calls.some((call) => call.authorization?.includes('jay-token'))).toBe(false);
  });

  it('shutdown ends the MCP sessions still open, each with exactly one DELETE', async () => {
    const monitor = (await (await fetch(`${server.url}/monitor/users`)).json()) as { users: { mcp_sessions?: { connected: boolean; session_id?: string }[] }[] };
    const open = monitor.users.flatMap((user) => user.mcp_sessions ?? []).filter((session) => session.connected && session.session_id);
    expect(open.length).toBeGreaterThan(3);
    const before = mcp.deletes().length;
    await server.close();
    server = undefined as never;
    const deletes = mcp.deletes().slice(before);
    expect(deletes).toHaveLength(open.length);
    expect(new Set(deletes.map((call) => call.sessionId))).toEqual(new Set(open.map((session) => session.session_id)));
  });
});

describe('{{identity:claims.X}}: the verified JWT of the caller fills the header', () => {
  let mcp: McpTestServer;
  let fake: FakeOpenAiServer;
  let server: TestServer;
  let warned: jest.SpyInstance;
  const jwt = (claims: object, secret = JWT_SECRET) => `Bearer ${sign({ exp: Math.floor(Date.now() / 1000) + 600, ...claims }, secret, { algorithm: 'HS256' })}`;

  beforeAll(async () => {
    warned = jest.spyOn(Logger.prototype, 'warn');
    mcp = await McpTestServer.start();
    fake = await FakeOpenAiServer.start();
    server = await startServer('test/fixtures/mcp-client-jwt.yml', { ...process.env, MCP_URL: mcp.url, FAKE_LLM_URL: fake.url, JWT_SECRET, USERSCOPE_SECRETS_KEY: SECRETS_KEY });
  });
  afterAll(async () => {
    warned.mockRestore();
    await server?.close();
    await fake.close();
    await mcp.close();
  });
  beforeEach(() => fake.reset());

  it('jwt mode verifies the identity: no startup warning', () => {
    expect(warned.mock.calls.flat().join('\n')).not.toMatch(/identity/);
  });

  it("each user's MCP call carries their own token's claim", async () => {
    for (const user of ['alice', 'bob']) {
      fake.reset();
      fake.reply({ toolCalls: [{ name: 'tickets__whoami', arguments: {} }] }, { content: 'done' });
      const reply = await server.post('/chat', { messages: [{ role: 'user', content: 'who am I?' }] }, undefined, { authorization: jwt({ sub: user, mcp_token: `${user}-mcp` }) });
      expect(reply.status).toBe(200);
      expect(fake.requests[1].body.messages.at(-1)).toMatchObject({ role: 'tool', content: `Bearer ${user}-mcp` });
    }
  });

  it('a token that fails verification is a 401 and its claims are never used', async () => {
    const forged = await server.post('/chat', { messages: [{ role: 'user', content: 'hi' }] }, undefined, { authorization: jwt({ sub: 'mallory', mcp_token: 'forged' }, 'another-secret-of-at-least-32-chars') });
    expect(forged.status).toBe(401);
    await expect(server.app.get(UserFunctions).invoke('mallory', 'tickets__whoami', {})).rejects.toThrow(/no verified claim 'mcp_token' for user 'mallory'/);
    expect(mcp.calls.some((call) => call.authorization === 'Bearer forged')).toBe(false);
  });

  it('/me/secrets: the verified caller sets, lists (names and times) and deletes their own secrets', async () => {
    const me = (method: string, path: string, user: string, body?: unknown) =>
      fetch(`${server.url}/me/secrets${path}`, {
        method,
        headers: { authorization: jwt({ sub: user }), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const set = await me('PUT', '/notes_token', 'ivy', { value: 'ivy-own-secret' });
    expect(set.status).toBe(200);
    expect(await set.text()).not.toContain('ivy-own-secret');
    expect(await (await me('GET', '', 'ivy')).json()).toEqual([{ name: 'notes_token', updated_at: expect.any(String) }]);
    expect(await (await me('GET', '', 'jon')).json()).toEqual([]);
    expect((await me('DELETE', '/notes_token', 'ivy')).status).toBe(204);
    expect(await (await me('GET', '', 'ivy')).json()).toEqual([]);
    expect((await fetch(`${server.url}/me/secrets`)).status).toBe(401);
  });
});

describe('{{identity:...}} in a mode that verifies nothing (plain cookie)', () => {
  it('warns at startup, naming the group and the mode; /me/secrets is refused', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn');
    const server = await startServer('test/fixtures/mcp-client-cookie-identity.yml', { ...process.env, MCP_URL: 'http://127.0.0.1:9/mcp' });
    try {
      expect(warned.mock.calls.flat()).toContainEqual(expect.stringMatching(/function_groups\.tickets uses \{\{identity:\.\.\.\}\}.*mode 'cookie' does not verify/));
      // Anyone can name any user in this mode: /me/secrets is refused, whoever the cookie names.
      const refused = await fetch(`${server.url}/me/secrets/token`, { method: 'PUT', headers: { cookie: 'nat-session=kim', 'content-type': 'application/json' }, body: '{"value":"v"}' });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'identity_not_verified', message: expect.stringContaining('PUT /api/users/{id}/secrets/{name}') });
    } finally {
      warned.mockRestore();
      await server.close();
    }
  });
});
