import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionLifecycle, UserFunctions } from '@userscope/runtime';
import { McpSseTestServer } from './support/mcp-sse.server';
import { startServer, TestServer } from './support/test-server';

const CONFIG = 'test/fixtures/mcp-transports.yml';
const SECRETS_KEY = randomBytes(32).toString('base64');

/** Whether process `pid` still exists (signal 0 only asks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** The stdio children's own record: how often each pid started, and how often its stdin was closed. */
function childEvents(log: string): { starts: Map<number, number>; ends: Map<number, number> } {
  const starts = new Map<number, number>();
  const ends = new Map<number, number>();
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    // no child started yet
  }
  for (const line of text.split('\n').filter(Boolean)) {
    const [event, pid] = line.split(' ');
    const counts = event === 'start' ? starts : ends;
    counts.set(Number(pid), (counts.get(Number(pid)) ?? 0) + 1);
  }
  return { starts, ends };
}

describe('per_user_mcp_client over stdio and over HTTP+SSE: real SDK servers, one client per user, ended once', () => {
  let dir: string;
  let log: string;
  let sse: McpSseTestServer;
  let server: TestServer | undefined;
  let functions: UserFunctions;

  async function putSecret(user: string, name: string, value: string): Promise<void> {
    const response = await fetch(`${server!.url}/api/users/${user}/secrets/${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value }),
    });
    expect(response.status).toBe(200);
  }

  /** `user`'s stdio child: started by the call, its pid what the child says. */
  async function childOf(user: string): Promise<number> {
    await putSecret(user, 'local_token', `local-${user}`);
    return Number(await functions.invoke(user, 'local__pid', {}));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-mcp-stdio-'));
    log = join(dir, 'children.log');
    sse = await McpSseTestServer.start();
    server = await startServer(CONFIG, { ...process.env, MCP_STDIO_LOG: log, MCP_SSE_URL: sse.url, USERSCOPE_SECRETS_KEY: SECRETS_KEY });
    functions = server.app.get(UserFunctions);
  });
  afterAll(async () => {
    await server?.close();
    await sse.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('stdio', () => {
    it("each user has their own child, started with their own token; the server's tools are the group's functions", async () => {
      const users = ['ana', 'ben', 'cleo'];
      for (const user of users) await putSecret(user, 'local_token', `local-${user}`);
      expect(await Promise.all(users.map((user) => functions.invoke(user, 'local__whoami', {})))).toEqual(users.map((user) => `local-${user}`));
      const pids = await Promise.all(users.map((user) => functions.invoke(user, 'local__pid', {}).then(Number)));
      expect(new Set(pids).size).toBe(3);
      for (const pid of pids) expect(alive(pid)).toBe(true);
      // One child per user, started once however many calls it served.
      const { starts } = childEvents(log);
      expect(pids.map((pid) => starts.get(pid))).toEqual([1, 1, 1]);
      expect(await functions.invoke('ana', 'local__add', { a: 2, b: 40 })).toBe('42');
      await expect(functions.invoke('ana', 'local__add', { a: 'two' })).rejects.toMatchObject({ status: 400 });

      const list = (await (await fetch(`${server!.url}/mcp/client/tool/list?user_id=ana`)).json()) as any;
      expect(list.groups.find((group: { group: string }) => group.group === 'local')).toEqual({
        group: 'local',
        type: 'per_user_mcp_client',
        transport: 'stdio',
        users: [{ user_id: 'ana', group: 'local', connected: true, tools: ['whoami', 'pid', 'add'] }],
      });
    });

    it("eviction ends each evicted user's child, exactly once, by closing its stdin", async () => {
      const pids = await Promise.all(['dan', 'eve'].map(childOf));
      const evicted = await server!.app.get(SessionLifecycle).evictIdleSince(Date.now() + 1000);
      expect(evicted).toBeGreaterThanOrEqual(2);
      for (const pid of pids) expect(alive(pid)).toBe(false);
      const { starts, ends } = childEvents(log);
      // Every child this suite started so far is gone, each started once and ended once.
      for (const [pid, count] of starts) {
        expect([pid, count, ends.get(pid), alive(pid)]).toEqual([pid, 1, 1, false]);
      }
    });

    it("DELETE /monitor/users/{id} ends that user's child and no one else's", async () => {
      const [fay, gus] = await Promise.all(['fay', 'gus'].map(childOf));
      const ended = await fetch(`${server!.url}/monitor/users/fay`, { method: 'DELETE' });
      expect(ended.status).toBe(200);
      expect(alive(fay)).toBe(false);
      expect(alive(gus)).toBe(true);
      expect(childEvents(log).ends.get(fay)).toBe(1);
      // gus's child serves on, the same one.
      expect(Number(await functions.invoke('gus', 'local__pid', {}))).toBe(gus);
    });

    it('a child that died is started again for the next call', async () => {
      const first = await childOf('hal');
      process.kill(first, 'SIGKILL');
      // The call racing the death may fail (a tool error the model sees); the one after has a new child.
      const racing = await functions.invoke('hal', 'local__pid', {}).then(Number, (error: Error) => error);
      if (racing instanceof Error) expect(racing.message).toMatch(/Connection closed|cannot be reached|Not connected/);
      const second = racing instanceof Error ? Number(await functions.invoke('hal', 'local__pid', {})) : racing;
      expect(second).not.toBe(first);
      expect(alive(first)).toBe(false);
      expect(await functions.invoke('hal', 'local__whoami', {})).toBe('local-hal');
    });
  });

  describe('HTTP+SSE', () => {
    it("each user's stream and every message carry their own token; each user has their own session", async () => {
      const users = ['ivy', 'jon', 'kai'];
      for (const user of users) await putSecret(user, 'remote_token', `remote-${user}`);
      const from = sse.calls.length;
      expect(await Promise.all(users.map((user) => functions.invoke(user, 'remote__whoami', {})))).toEqual(users.map((user) => `Bearer remote-${user}`));
      const calls = sse.calls.slice(from);
      const streams = calls.filter((call) => call.method === 'GET');
      expect(streams.map((call) => call.authorization).sort()).toEqual(users.map((user) => `Bearer remote-${user}`));
      // Every POST went to its own user's session, with that user's token.
      const tokenOf = new Map(streams.map((call) => [call.sessionId, call.authorization]));
      const posts = calls.filter((call) => call.method === 'POST');
      expect(posts.length).toBeGreaterThanOrEqual(9); // initialize, initialized, tools/list, tools/call: at least 3 each
      for (const post of posts) expect(post.authorization).toBe(tokenOf.get(post.sessionId));

      const monitor = (await (await fetch(`${server!.url}/monitor/users?user_id=ivy`)).json()) as any;
      // Each per-user MCP group of the user, connected or not yet (ivy never called a stdio tool).
      expect(monitor.users[0].mcp_sessions).toEqual([
        { group: 'local', connected: false, tools: [] },
        { group: 'remote', connected: true, tools: ['whoami'] },
      ]);
    });

    it("ending a user's session closes their stream, once; shutdown closes the rest and ends every stdio child", async () => {
      await putSecret('lou', 'remote_token', 'remote-lou');
      await functions.invoke('lou', 'remote__whoami', {});
      const lous = [...sse.open].find(([, authorization]) => authorization === 'Bearer remote-lou')![0];
      const closedBefore = sse.closed.length;
      expect((await fetch(`${server!.url}/monitor/users/lou`, { method: 'DELETE' })).status).toBe(200);
      await sse.closedCount(closedBefore + 1);
      expect(sse.closed.slice(closedBefore)).toEqual([lous]);

      const children = await Promise.all(['max', 'nia'].map(childOf));
      const streams = [...sse.open.keys()];
      expect(streams.length).toBeGreaterThan(0);
      const closed = sse.closed.length;
      await server!.close();
      server = undefined;
      for (const pid of children) expect(alive(pid)).toBe(false);
      await sse.closedCount(closed + streams.length);
      expect(new Set(sse.closed.slice(closed))).toEqual(new Set(streams));
      expect(sse.open.size).toBe(0);
      // No child outlived the server; shutdown closed each of its own once; none was started twice.
      const { starts, ends } = childEvents(log);
      for (const pid of children) expect(ends.get(pid)).toBe(1);
      for (const [pid, count] of starts) {
        expect([pid, count, alive(pid)]).toEqual([pid, 1, false]);
        expect(ends.get(pid) ?? 0).toBeLessThanOrEqual(1); // 0: the child the test killed
      }
    });
  });
});

describe('a stdio MCP server that writes much to stderr', () => {
  it('answers, and ends when its stdin closes: its stderr is read, so it never blocks on a full pipe', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'userscope-mcp-stdio-'));
    const log = join(dir, 'children.log');
    const sse = await McpSseTestServer.start();
    const server = await startServer(CONFIG, { ...process.env, MCP_STDIO_LOG: log, MCP_STDERR_BYTES: String(512 * 1024), MCP_SSE_URL: sse.url, USERSCOPE_SECRETS_KEY: SECRETS_KEY });
    try {
      await fetch(`${server.url}/api/users/oli/secrets/local_token`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"value":"local-oli"}' });
      const functions = server.app.get(UserFunctions);
      expect(await functions.invoke('oli', 'local__whoami', {})).toBe('local-oli');
      const pid = Number(await functions.invoke('oli', 'local__pid', {}));
      const started = Date.now();
      await server.app.get(SessionLifecycle).evictIdleSince(Date.now() + 1000);
      expect(alive(pid)).toBe(false);
      // It ended on its stdin's end, not on the SIGTERM the SDK sends a child still there after 2 s.
      expect(childEvents(log).ends.get(pid)).toBe(1);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await server.close();
      await sse.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
