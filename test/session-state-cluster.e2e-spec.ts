import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { ASSISTANT_HELP } from '@userscope/examples';
import { CliServer, startCliServer } from './support/cli-server';
import { deleteKeys, OwnRedisServer, REDIS_URL, requireRedis } from './support/redis';

const CONFIG = 'test/fixtures/seed-durable.yml';
const LEASE_TTL_MS = 1_000;

interface Reply {
  status: number;
  text: string;
  json: any;
  headers: Headers;
}

async function call(server: CliServer, method: string, path: string, user?: string, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
  if (user) headers.cookie = `nat-session=${user}`;
  const response = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined, headers: response.headers };
}

const say = (server: CliServer, user: string, body: unknown) => call(server, 'POST', '/generate', user, body);

/** The first reply to `body` that is not a 503, asked every 100 ms for at most `timeoutMs` (a dead replica's lease running out). */
async function firstServed(server: CliServer, user: string, body: unknown, timeoutMs: number): Promise<Reply> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await say(server, user, body);
    if (reply.status !== 503 || Date.now() > deadline) return reply;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const list = { command: 'note', action: 'list' };
const add = (content: string) => ({ command: 'note', action: 'add', param1: content });

describe("the seed example keeps its users' state in Redis (session_state: redis, a cluster of one)", () => {
  if (!requireRedis('durable seed example', 'REDIS_URL')) return;
  const prefix = `userscope:test:durable:${process.pid}:${Date.now()}:`;
  const env = { USERSCOPE_CLUSTER_REDIS_URL: REDIS_URL, USERSCOPE_REPLICA_ID: 'solo', STATE_TEST_PREFIX: prefix };
  let redis: Redis;
  let server: CliServer;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    server = await startCliServer(CONFIG, env);
  });
  afterAll(async () => {
    await server?.process.stop(0);
    if (redis) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it('replays the seed curl session byte for byte', async () => {
    const steps: [string, unknown, string][] = [
      ['alice', add('Alices first note'), '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":1}}'],
      ['alice', list, '{"success":true,"message":"Found 1 notes","data":{"notes":["Alices first note"],"count":1,"commands_executed":2}}'],
      ['bob', list, '{"success":true,"message":"Found 0 notes","data":{"notes":[],"count":0,"commands_executed":1}}'],
      ['bob', add('Bobs note'), '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":2}}'],
      ['alice', { command: 'pref', action: 'set', param1: 'theme', param2: 'light' }, `{"success":true,"message":"Preference 'theme' set to 'light'","data":{"value":"","preferences":{"theme":"light","language":"en","notifications":"enabled"},"commands_executed":3}}`],
      ['bob', { command: 'pref', action: 'get', param1: 'theme' }, `{"success":true,"message":"Preference 'theme' = 'dark'","data":{"value":"dark","preferences":{},"commands_executed":3}}`],
      ['alice', { command: 'help' }, JSON.stringify({ success: true, message: ASSISTANT_HELP, data: { commands_executed: 4 } })],
      ['alice', { command: 'stats' }, '{"success":true,"message":"Session statistics: 5 commands executed","data":{"commands_executed":5}}'],
    ];
    for (const [user, body, expected] of steps) {
      const reply = await say(server, user, body);
      expect({ user, body, status: reply.status, text: reply.text }).toEqual({ user, body, status: 200, text: expected });
    }
  });

  it('after kill -9 and a restart, every acknowledged note and preference is there', async () => {
    expect((await say(server, 'alice', add('second'))).json.data.count).toBe(2);
    await server.process.stop(0); // SIGKILL: no shutdown, no release of the lease
    server = await startCliServer(CONFIG, env);
    const reply = await firstServed(server, 'alice', list, LEASE_TTL_MS + 2_000);
    expect(reply.text).toBe('{"success":true,"message":"Found 2 notes","data":{"notes":["Alices first note","second"],"count":2,"commands_executed":7}}');
    expect((await say(server, 'alice', { command: 'pref', action: 'get', param1: 'theme' })).json.message).toBe("Preference 'theme' = 'light'");
  });

  it("a user whose session ended (DELETE without purge) comes back to their notes", async () => {
    const ended = await call(server, 'DELETE', '/monitor/users/alice');
    expect(ended.json).toEqual({ user_id: 'alice', ended: true, disposed: expect.any(Number), cleanup_errors: 0, abandoned_requests: 0, purged: false });
    expect((await say(server, 'alice', list)).json.data).toEqual({ notes: ['Alices first note', 'second'], count: 2, commands_executed: 9 });
  });

  it("GET /monitor/users/{id}/state shows the user's saved state by function", async () => {
    const reply = await call(server, 'GET', '/monitor/users/alice/state');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      user_id: 'alice',
      states: {
        notepad: { notes: [{ content: 'Alices first note', timestamp: expect.any(String) }, { content: 'second', timestamp: expect.any(String) }] },
        preferences: { preferences: [['theme', 'light'], ['language', 'en'], ['notifications', 'enabled']] },
        '<workflow>': { commands_executed: 9 },
      },
      token: expect.any(Number),
      expires_at: expect.any(String),
    });
    // general.session_state_ttl (30 days) from now.
    expect(Date.parse(reply.json.expires_at) - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
    const none = await call(server, 'GET', '/monitor/users/nobody/state');
    expect(none.status).toBe(404);
    expect(none.json).toEqual({ code: 'no_saved_state', message: expect.stringContaining("'nobody'") });
  });

  it('DELETE ?purge=true ends the session and deletes the saved state: the user starts fresh', async () => {
    const purged = await call(server, 'DELETE', '/monitor/users/alice?purge=true');
    expect(purged.json).toEqual({ user_id: 'alice', ended: true, disposed: expect.any(Number), cleanup_errors: 0, abandoned_requests: 0, purged: true });
    expect((await call(server, 'GET', '/monitor/users/alice/state')).json.code).toBe('no_saved_state');
    expect((await say(server, 'alice', list)).text).toBe('{"success":true,"message":"Found 0 notes","data":{"notes":[],"count":0,"commands_executed":1}}');
    expect((await say(server, 'alice', { command: 'pref', action: 'get', param1: 'theme' })).json.message).toBe("Preference 'theme' = 'dark'");
  });

  it('DELETE ?purge=true of a user without a session here purges their saved state', async () => {
    await call(server, 'DELETE', '/monitor/users/bob');
    const purged = await call(server, 'DELETE', '/monitor/users/bob?purge=true');
    expect(purged.json).toEqual({ user_id: 'bob', ended: false, disposed: 0, cleanup_errors: 0, abandoned_requests: 0, purged: true });
    expect((await say(server, 'bob', list)).json.data).toEqual({ notes: [], count: 0, commands_executed: 1 });
  });

  it('refuses a call that leaves a state over session_state_max_bytes with 507, keeping the last saved state', async () => {
    await say(server, 'cleo', add('kept'));
    const big = await say(server, 'cleo', add('x'.repeat(5_000)));
    expect(big.status).toBe(507);
    expect(big.json).toEqual({
      code: 'session_state_too_large',
      message: expect.stringContaining("The state of function 'notepad' saves for user 'cleo' is"),
      details: { bytes: expect.any(Number), limit: 4096 },
    });
    expect((await say(server, 'cleo', list)).json.data).toEqual({ notes: ['kept'], count: 1, commands_executed: 2 });
  });
});

describe('the durable seed example while its Redis is down', () => {
  if (!requireRedis('durable seed example (own Redis)', 'redis-server')) return;
  let dir: string;
  let redisServer: OwnRedisServer;
  let server: CliServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-durable-'));
    redisServer = await OwnRedisServer.start(dir);
    server = await startCliServer(CONFIG, { USERSCOPE_CLUSTER_REDIS_URL: redisServer.url, USERSCOPE_REPLICA_ID: 'solo', STATE_TEST_PREFIX: 'durable:' });
  });
  afterAll(async () => {
    await server?.process.stop(0);
    await redisServer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 state_store_unavailable with Retry-After, and serves the last acknowledged state once Redis is back', async () => {
    expect((await say(server, 'ann', add('acknowledged'))).status).toBe(200);
    await redisServer.kill();
    const down = await say(server, 'ann', add('never acknowledged'));
    expect(down.status).toBe(503);
    expect(down.json).toEqual({ code: 'state_store_unavailable', message: expect.stringContaining(`Redis at ${redisServer.url}`) });
    expect(down.headers.get('retry-after')).toBe('2');
    await redisServer.restart();
    const back = await firstServed(server, 'ann', list, LEASE_TTL_MS + 5_000);
    expect(back.json.data).toEqual({ notes: ['acknowledged'], count: 1, commands_executed: 2 });
  });
});
