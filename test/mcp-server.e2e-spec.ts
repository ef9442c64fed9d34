import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from 'jsonwebtoken';
import { McpServerSessions } from '@userscope/mcp';
import { ConfigError, SessionLifecycle, SessionRegistry } from '@userscope/runtime';
import { startServer, TestServer } from './support/test-server';
import { startCliServer } from './support/cli-server';
import { McpTestServer } from './support/mcp-test.server';

const CONFIG = 'test/fixtures/mcp-server-jwt.yml';
const API_KEY = 'test/fixtures/identity-api-key.yml';
const JWT_SECRET = 'jwt-hs256-secret-at-least-32-chars';

const INITIALIZE = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
const MCP_POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

const tokenOf = (user: string, secret = JWT_SECRET) => sign({ sub: user }, secret, { algorithm: 'HS256', expiresIn: '1h' });

describe('the MCP server front end (/mcp), with the SDK client, in jwt mode', () => {
  let server: TestServer;
  const clients: Client[] = [];

  beforeAll(async () => {
    server = await startServer(CONFIG, { ...process.env, JWT_SECRET });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
  });
  afterAll(() => server.close());

  function transportFor(token: string, sessionId?: string): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } }, ...(sessionId ? { sessionId } : {}) });
  }

  async function connect(user: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const client = new Client({ name: 'mcp-server-test', version: '1.0.0' });
    const transport = transportFor(tokenOf(user));
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  /** The text of a tool call's result, parsed as JSON. */
  async function call(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
    const result = (await client.callTool({ name, arguments: args })) as { content: { type: string; text: string }[]; isError?: boolean };
    expect(result.isError).toBeFalsy();
    return JSON.parse(result.content[0].text);
  }

  it("lists the workflow and tool_names' functions as tools, with their input schemas and descriptions", async () => {
    const { client } = await connect('alice');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['per_user_assistant', 'notepad']);
    const [workflow, notepad] = tools;
    expect(workflow.inputSchema).toMatchObject({ type: 'object', properties: { command: { type: 'string' }, action: { type: 'string' }, param1: { type: 'string' } }, required: ['command'] });
    expect(JSON.stringify(workflow.inputSchema)).not.toContain('$ref');
    expect(notepad.inputSchema).toMatchObject({ type: 'object', properties: { action: { type: 'string' }, content: { type: 'string' } } });
    expect(workflow.description).toEqual(expect.any(String));
    expect(workflow.description!.length).toBeGreaterThan(0);
  });

  it("runs each call as its caller: alice's and bob's notes stay apart", async () => {
    const alice = await connect('mcp-alice');
    const bob = await connect('mcp-bob');
    await call(alice.client, 'per_user_assistant', { command: 'note', action: 'add', param1: "alice's note" });
    await call(bob.client, 'notepad', { action: 'add', content: "bob's note" });
    expect((await call(alice.client, 'notepad', { action: 'list' })).notes).toEqual(["alice's note"]);
    expect((await call(bob.client, 'per_user_assistant', { command: 'note', action: 'list' })).data.notes).toEqual(["bob's note"]);
    // The same user over /generate sees what their MCP calls did: one set of per-user instances.
    const generate = await server.post('/generate', { command: 'note', action: 'list' }, undefined, { authorization: `Bearer ${tokenOf('mcp-alice')}` });
    expect(generate.json.data.notes).toEqual(["alice's note"]);
  });

  it('answers input that does not match the schema with a tool error saying what was wrong', async () => {
    const { client } = await connect('carol');
    const result = (await client.callTool({ name: 'notepad', arguments: { content: 'no action' } })) as { content: { text: string }[]; isError?: boolean };
    expect(result.isError).toBe(true);
    expect(result.content[0].text).toContain('action');
  });

  it("refuses alice's session id with bob's token as an unknown session (404), and it still works for alice", async () => {
    const alice = await connect('sid-alice');
    const sessionId = alice.transport.sessionId!;
    expect(sessionId).toEqual(expect.any(String));
    const stolen = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('sid-bob')}`, ...MCP_POST, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'notepad', arguments: { action: 'list' } } }),
    });
    expect(stolen.status).toBe(404);
    expect(((await stolen.json()) as { error: { message: string } }).error.message).toContain('Session not found');
    // Through the SDK client too: a transport given alice's session id and bob's token.
    const bobWithAlicesSession = new Client({ name: 'thief', version: '1.0.0' });
    const rejected = await bobWithAlicesSession.connect(transportFor(tokenOf('sid-bob'), sessionId)).then(() => bobWithAlicesSession.listTools()).catch((error) => error);
    expect(rejected).toBeInstanceOf(Error);
    await bobWithAlicesSession.close().catch(() => undefined);
    expect((await call(alice.client, 'notepad', { action: 'count' })).count).toBe(0);
  });

  it("ends a user's MCP sessions when their user session ends", async () => {
    const { client, transport } = await connect('ending');
    await call(client, 'notepad', { action: 'add', content: 'x' });
    const registry = server.app.get(SessionRegistry);
    const mcpSessions = server.app.get(McpServerSessions);
    expect(mcpSessions.countOf('ending')).toBe(1);
    await server.app.get(SessionLifecycle).end(registry.get('ending')!);
    // Closed by the session's end itself, not found stale on the next request.
    expect(mcpSessions.countOf('ending')).toBe(0);
    const reply = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('ending')}`, ...MCP_POST, 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
    });
    expect(reply.status).toBe(404);
  });

  it('ends a session on DELETE /mcp (terminateSession), and only for its own user', async () => {
    const { transport } = await connect('deleting');
    const sessionId = transport.sessionId!;
    const asBob = await fetch(`${server.url}/mcp`, { method: 'DELETE', headers: { authorization: `Bearer ${tokenOf('not-deleting')}`, 'mcp-session-id': sessionId } });
    expect(asBob.status).toBe(404);
    await transport.terminateSession();
    const after = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('deleting')}`, ...MCP_POST, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/list' }),
    });
    expect(after.status).toBe(404);
  });

  it('answers a request without a session that is not initialize with 400 saying so', async () => {
    const reply = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('sessionless')}`, ...MCP_POST },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { error: { message: string } }).error.message).toContain('must be initialize');
  });

  it('keeps at most max_sessions_per_user sessions of a user open, closing the oldest', async () => {
    const first = await connect('many');
    await connect('many');
    await connect('many');
    const error = await first.client.listTools().catch((e) => e);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(404);
  });

  it.each([
    ['no token', {}, 'Bearer'],
    ['a forged token', { authorization: `Bearer ${tokenOf('mallory', 'another-secret-of-at-least-32-chars')}` }, 'Bearer error="invalid_token"'],
  ])('answers %s with 401 and a WWW-Authenticate challenge', async (_case, headers, challenge) => {
    const reply = await fetch(`${server.url}/mcp`, {
      method: 'POST',
      headers: { ...headers, ...MCP_POST },
      body: JSON.stringify(INITIALIZE),
    });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toContain(challenge);
  });

  it('refuses the SDK client a connection with a bad token', async () => {
    const client = new Client({ name: 'bad', version: '1.0.0' });
    const error = await client.connect(transportFor('not-a-jwt')).catch((e) => e);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect((error as StreamableHTTPError).code).toBe(401);
    expect(error.message).toContain('invalid_identity');
  });
});

describe('the MCP server front end (/mcp) in api_key mode', () => {
  const keys = { 'alice-key-0123456789abcdef': 'alice', 'bob-key-0123456789abcdef': 'bob' };
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-mcp-server-'));
    const keysFile = join(dir, 'keys.json');
    writeFileSync(keysFile, JSON.stringify(keys));
    server = await startServer(API_KEY, { ...process.env, API_KEYS_FILE: keysFile });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function notesVia(key: string, add?: string): Promise<string[]> {
    const client = new Client({ name: 'mcp-server-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { 'x-api-key': key } } }));
    try {
      const run = async (args: Record<string, unknown>) => JSON.parse(((await client.callTool({ name: 'per_user_assistant', arguments: args })) as any).content[0].text);
      if (add) await run({ command: 'note', action: 'add', param1: add });
      return (await run({ command: 'note', action: 'list' })).data.notes;
    } finally {
      await client.close();
    }
  }

  it("serves each key's user their own instances", async () => {
    expect(await notesVia('alice-key-0123456789abcdef', 'for alice')).toEqual(['for alice']);
    expect(await notesVia('bob-key-0123456789abcdef')).toEqual([]);
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { 'x-api-key': 'mallory-key-0123456789abcdef' }],
  ])('answers %s with 401 and a challenge naming the header', async (_case, headers) => {
    const reply = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { ...headers, ...MCP_POST }, body: JSON.stringify(INITIALIZE) });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')?.toLowerCase()).toContain('x-api-key');
  });
});

describe("/mcp serving an MCP client group's tool (plain cookie identity)", () => {
  let upstream: McpTestServer;
  let server: TestServer;
  beforeAll(async () => {
    upstream = await McpTestServer.start();
    server = await startServer('test/fixtures/mcp-server-bridge.yml', { ...process.env, MCP_URL: upstream.url });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
  });

  it("lists it with the schema and description its server gives, and calls it on the user's own MCP client", async () => {
    const client = new Client({ name: 'bridge-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: { cookie: 'nat-session=bridged' } } }));
    try {
      const add = (await client.listTools()).tools.find((tool) => tool.name === 'calc__add');
      expect(add).toMatchObject({ description: 'Adds two numbers', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } });
      const result = (await client.callTool({ name: 'calc__add', arguments: { a: 2, b: 3 } })) as { content: { text: string }[]; isError?: boolean };
      expect({ isError: result.isError, text: result.content[0].text }).toEqual({ isError: undefined, text: expect.stringContaining('5') });
      expect(upstream.calls.filter((call) => call.rpc === 'tools/call')).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});

describe('general.front_end.mcp', () => {
  it('refuses to start with a tool_names entry that is not a configured function, naming the ones there are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'userscope-mcp-server-config-'));
    try {
      const file = join(dir, 'config.yml');
      writeFileSync(file, 'general:\n  plugins: ["@userscope/examples"]\n  front_end:\n    mcp:\n      tool_names: [notepad, nope]\nfunctions:\n  notepad: { _type: per_user_notepad }\n  preferences: { _type: per_user_preferences }\nworkflow:\n  _type: per_user_assistant\n  notepad_name: notepad\n  preferences_name: preferences\n');
      const error = await startServer(file).then(async (started) => {
        await started.close();
        return undefined;
      }, (refusal: unknown) => refusal);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues).toEqual([{ path: 'general.front_end.mcp.tool_names', message: expect.stringContaining("'nope' is not a configured function") }]);
      expect((error as ConfigError).issues[0].message).toContain('notepad, preferences');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('userscope serve', () => {
  it('logs the MCP endpoint at startup, and an MCP client connects to it', async () => {
    const { process: served, url } = await startCliServer(CONFIG, { JWT_SECRET });
    try {
      expect(served.printed).toContain(`MCP endpoint (Streamable HTTP) at ${url}/mcp`);
      const client = new Client({ name: 'cli-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${tokenOf('cli-user')}` } } }));
      expect((await client.listTools()).tools.map((tool) => tool.name)).toEqual(['per_user_assistant', 'notepad']);
      await client.close();
    } finally {
      await served.stop(5000);
    }
  });
});
