import { UserFunctions } from '@userscope/runtime';
import { McpCall, McpTestServer } from './support/mcp-test.server';
import { startServer, TestServer } from './support/test-server';

const CONFIG = 'test/fixtures/mcp-shared.yml';

const isSlowCall = (call: McpCall) => call.rpc === 'tools/call';
const initializes = (calls: McpCall[]) => calls.filter((call) => call.rpc === 'initialize');

describe('mcp_client: one MCP session per user, at most max_sessions (2) open', () => {
  let mcp: McpTestServer;
  let server: TestServer;
  let functions: UserFunctions;

  beforeAll(async () => {
    mcp = await McpTestServer.start(0, { slow: true });
    server = await startServer(CONFIG, { ...process.env, MCP_URL: mcp.url });
    functions = server.app.get(UserFunctions);
  });
  afterAll(async () => {
    await server?.close();
    await mcp.close();
  });

  it('each user has their own session; a third user closes the least recently used idle one', async () => {
    expect(await functions.invoke('ann', 'calc__add', { a: 1, b: 2 })).toBe('3');
    const annSession = mcp.calls.at(-1)!.sessionId;
    expect(await functions.invoke('bob', 'calc__add', { a: 2, b: 2 })).toBe('4');
    const bobSession = mcp.calls.at(-1)!.sessionId;
    expect(initializes(mcp.calls)).toHaveLength(2);
    expect(annSession).toBeDefined();
    expect(annSession).not.toBe(bobSession);
    expect(mcp.calls.filter((call) => call.method === 'POST').every((call) => call.authorization === undefined)).toBe(true);
    // ann was used last: bob's is the least recently used when cy comes.
    expect(await functions.invoke('ann', 'calc__add', { a: 0, b: 1 })).toBe('1');
    const deletesBefore = mcp.deletes().length;
    expect(await functions.invoke('cy', 'calc__add', { a: 3, b: 3 })).toBe('6');
    await mcp.received(deletesBefore + 1, (call) => call.method === 'DELETE');
    expect(mcp.deletes().slice(deletesBefore).map((call) => call.sessionId)).toEqual([bobSession]);

    const monitor = (await (await fetch(`${server.url}/monitor/users?user_id=ann`)).json()) as any;
    expect(monitor.users[0].mcp_sessions).toEqual([{ group: 'calc', connected: true, session_id: annSession, tools: ['whoami', 'add', 'slow'] }]);
    const list = (await (await fetch(`${server.url}/mcp/client/tool/list`)).json()) as any;
    expect(list.groups[0].users.map((user: { user_id: string }) => user.user_id).sort()).toEqual(['ann', 'cy']);
  });

  it('with every session busy, another user gets a 503 mcp_session_limit naming the group and the limit, until one is free', async () => {
    const release = mcp.holdSlowCalls();
    const before = mcp.calls.filter(isSlowCall).length;
    const busy = [functions.invoke('ann', 'calc__slow', {}), functions.invoke('cy', 'calc__slow', {})];
    try {
      await mcp.received(before + 2, isSlowCall);
      const [opened, deleted] = [initializes(mcp.calls).length, mcp.deletes().length];
      const refused = await functions.invoke('dan', 'calc__add', { a: 1, b: 1 }).catch((error) => error);
      expect(refused).toMatchObject({ status: 503 });
      expect(refused.getResponse()).toMatchObject({ code: 'mcp_session_limit', message: "MCP group 'calc' has max_sessions (2) sessions in use; try again later" });
      // The refusal opened no session, and closed neither busy one.
      expect([initializes(mcp.calls).length, mcp.deletes().length]).toEqual([opened, deleted]);
    } finally {
      release();
    }
    expect(await Promise.all(busy)).toEqual(['done', 'done']);
    const deletesBefore = mcp.deletes().length;
    expect(await functions.invoke('dan', 'calc__add', { a: 1, b: 1 })).toBe('2');
    await mcp.received(deletesBefore + 1, (call) => call.method === 'DELETE');
  });
});

// 1.5 s: a loaded 2-core machine can pause a user's steps for some hundred ms, and a pause past the timeout is an idle session.
describe('mcp_client: a session unused for session_idle_timeout (1.5 s) is closed, with one DELETE', () => {
  let mcp: McpTestServer;
  let server: TestServer;

  beforeAll(async () => {
    mcp = await McpTestServer.start(0, { slow: true });
    server = await startServer(CONFIG, { ...process.env, MCP_URL: mcp.url, MCP_IDLE: '1500ms', MCP_MAX_SESSIONS: '10' });
  });
  afterAll(async () => {
    await server?.close();
    await mcp.close();
  });

  it('closes idle sessions, not one busy in a call longer than the timeout; the user gets a new session next time', async () => {
    const functions = server.app.get(UserFunctions);
    const isDelete = (call: McpCall) => call.method === 'DELETE';
    expect(await functions.invoke('fay', 'calc__add', { a: 1, b: 1 })).toBe('2');
    const faySession = mcp.calls.at(-1)!.sessionId;
    const release = mcp.holdSlowCalls();
    const held = functions.invoke('gus', 'calc__slow', {});
    try {
      await mcp.received(1, isSlowCall);
      // hal is last used after gus's call began: once hal's session is closed for being idle, gus's was idle as long, but busy.
      expect(await functions.invoke('hal', 'calc__add', { a: 1, b: 2 })).toBe('3');
      const halSession = mcp.calls.at(-1)!.sessionId;
      await mcp.received(2, isDelete);
      // Closed in one sweep or two: their DELETEs may cross.
      expect(new Set(mcp.deletes().map((call) => call.sessionId))).toEqual(new Set([faySession, halSession]));
      expect(mcp.deletes()).toHaveLength(2);
    } finally {
      release();
    }
    expect(await held).toBe('done');
    await mcp.received(3, isDelete);
    const from = mcp.calls.length;
    expect(await functions.invoke('fay', 'calc__add', { a: 2, b: 2 })).toBe('4');
    expect(initializes(mcp.calls.slice(from))).toHaveLength(1);
    expect(mcp.calls.at(-1)!.sessionId).not.toBe(faySession);
  });
});

describe('mcp_client takes no per-user credentials', () => {
  it('a template in its headers stops the start, naming the key', async () => {
    const error = await startServer('test/fixtures/mcp-shared-templated.yml', { ...process.env, MCP_URL: 'http://127.0.0.1:9/mcp' }).catch((e) => e);
    expect(error.message).toMatch(/function_groups\.calc\.headers: mcp_client takes no templates/);
  });
});
