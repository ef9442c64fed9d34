import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { IdleSessionEvictor, SessionLifecycle, SessionRegistry } from '@userscope/runtime';
import { gracefulShutdown } from '@userscope/http';
import { startServer, TestServer } from './support/test-server';
import { Hold, instanceRefs, lifecycleLog } from './fixtures/lifecycle.plugin';

setFlagsFromString('--expose-gc');
const gc: () => void = runInNewContext('gc');

const CONFIG = 'test/fixtures/lifecycle.yml';
const AFTER_TIMEOUT = 61_000;

describe('session lifecycle', () => {
  let server: TestServer;
  const call = (user: string, hold = false) => server.post('/generate', { hold }, user);
  const sweep = () => server.app.get(IdleSessionEvictor).sweep(Date.now() + AFTER_TIMEOUT);
  const logOf = (user: string) => lifecycleLog.filter((entry) => entry.endsWith(`:${user}`));

  beforeAll(async () => {
    server = await startServer(CONFIG);
  });
  afterAll(() => server.close());

  it('evicts an idle user, running each cleanup once, dependants before their dependencies', async () => {
    await call('ada');
    expect(await sweep()).toBe(1);
    expect(logOf('ada')).toEqual(['workflow:ada', 'tool:ada', 'resource:ada']);
    expect(await sweep()).toBe(0);
    expect(logOf('ada')).toHaveLength(3);
  });

  it('keeps a user who is not idle for long enough', async () => {
    await call('bea');
    expect(await server.app.get(IdleSessionEvictor).sweep(Date.now() + 1_000)).toBe(0);
    expect(server.app.get(SessionRegistry).get('bea')).toBeDefined();
  });

  it('never evicts a user with a request in flight', async () => {
    await call('cal');
    const held = call('cal', true);
    await until(() => Hold.count === 1);
    await sweep();
    expect(server.app.get(SessionRegistry).get('cal')).toBeDefined();
    expect(logOf('cal')).toEqual([]);
    Hold.releaseAll();
    expect((await held).status).toBe(200);
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect(logOf('cal')).toEqual(['workflow:cal', 'tool:cal', 'resource:cal']);
  });

  it('starts a returning user fresh', async () => {
    await call('dot');
    expect((await call('dot')).json.calls).toBe(2);
    await sweep();
    expect((await call('dot')).json).toEqual({ user: 'dot', calls: 1 });
  });

  it('releases the evicted instances for garbage collection', async () => {
    await call('eve');
    expect(instanceRefs.get('eve')?.deref()).toBeDefined();
    await sweep();
    for (let i = 0; i < 5 && instanceRefs.get('eve')?.deref(); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(instanceRefs.get('eve')?.deref()).toBeUndefined();
  });

  it('logs a cleanup that throws and still runs the others', async () => {
    const lifecycle = server.app.get(SessionLifecycle);
    const errorsBefore = lifecycle.counters.cleanupErrors;
    await call('bad-cleanup');
    await sweep();
    expect(logOf('bad-cleanup')).toEqual(['workflow:bad-cleanup', 'tool:bad-cleanup', 'resource:bad-cleanup']);
    expect(lifecycle.counters.cleanupErrors).toBe(errorsBefore + 1);
  });

  it('evicts 2,000 idle users in one sweep, each cleanup once and in order across its chunks and turns', async () => {
    const lifecycle = server.app.get(SessionLifecycle);
    await Promise.all(Array.from({ length: 2000 }, (_, i) => lifecycle.acquire(`bulk-${i}`).then((s) => lifecycle.release(s, 0, false))));
    expect(await sweep()).toBeGreaterThanOrEqual(2000);
    expect(server.app.get(SessionRegistry).size).toBe(0);
    const wrong = Array.from({ length: 2000 }, (_, i) => `bulk-${i}`).filter(
      (user) => logOf(user).join() !== [`workflow:${user}`, `tool:${user}`, `resource:${user}`].join(),
    );
    expect(wrong).toEqual([]);
    expect(await sweep()).toBe(0);
  });
});

describe('shutdown', () => {
  it('runs every user cleanup once when the application closes', async () => {
    const server = await startServer(CONFIG);
    await server.post('/generate', {}, 'fay');
    await server.post('/generate', {}, 'gus');
    await server.close();
    expect(lifecycleLog.filter((entry) => entry.endsWith(':fay'))).toEqual(['workflow:fay', 'tool:fay', 'resource:fay']);
    expect(lifecycleLog.filter((entry) => entry.endsWith(':gus'))).toEqual(['workflow:gus', 'tool:gus', 'resource:gus']);
  });
});

describe('graceful shutdown on a signal', () => {
  it('lets a request in flight finish, refuses new ones, runs cleanup, exits 0', async () => {
    const server = await startServer(CONFIG);
    await server.post('/generate', {}, 'hal');
    const held = server.post('/generate', { hold: true }, 'ida');
    await until(() => Hold.count === 1);
    const exits: number[] = [];
    const stopping = gracefulShutdown(server.app, { graceMs: 5000, exit: (code) => exits.push(code) })('SIGTERM');
    await until(() => !server.app.getHttpServer().listening);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    expect(lifecycleLog).not.toContain('workflow:ida');
    Hold.releaseAll();
    expect((await held).status).toBe(200);
    await stopping;
    expect(exits).toEqual([0]);
    expect(lifecycleLog.filter((e) => /:(hal|ida)$/.test(e)).sort()).toEqual(
      ['resource:hal', 'resource:ida', 'tool:hal', 'tool:ida', 'workflow:hal', 'workflow:ida'],
    );
  });

  it('closes connections still open after the grace period, then cleans up and exits 0', async () => {
    const server = await startServer(CONFIG);
    const held = server.post('/generate', { hold: true }, 'jo').catch((error: Error) => error);
    await until(() => Hold.count === 1);
    const exits: number[] = [];
    await gracefulShutdown(server.app, { graceMs: 100, exit: (code) => exits.push(code) })('SIGINT');
    expect(String(await held)).toContain('fetch failed'); // its connection was closed
    expect(exits).toEqual([0]);
    Hold.releaseAll();
    await until(() => lifecycleLog.includes('resource:jo'));
  });
});

describe('limits', () => {
  it('answers a body over max_body_size with 413 JSON', async () => {
    const server = await startServer(CONFIG, { ...process.env, MAX_BODY: '1kb' });
    try {
      const reply = await server.post('/generate', { hold: false, pad: 'x'.repeat(2000) }, 'big');
      expect(reply.status).toBe(413);
      expect(reply.json.code).toBe('payload_too_large');
      expect((await server.post('/generate', {}, 'big')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('at max_sessions evicts the least recently used idle user', async () => {
    const server = await startServer(CONFIG, { ...process.env, MAX_SESSIONS: '2' });
    try {
      await server.post('/generate', {}, 'lru-a');
      await server.post('/generate', {}, 'lru-b');
      await server.post('/generate', {}, 'lru-a'); // b is now the least recently used
      expect((await server.post('/generate', {}, 'lru-c')).status).toBe(200);
      await until(() => lifecycleLog.includes('resource:lru-b'));
      const registry = server.app.get(SessionRegistry);
      expect([registry.get('lru-a'), registry.get('lru-b'), registry.get('lru-c')].map(Boolean)).toEqual([true, false, true]);
    } finally {
      Hold.releaseAll();
      await server.close();
    }
  });

  it('at max_sessions with nobody idle answers 503 with Retry-After', async () => {
    const server = await startServer(CONFIG, { ...process.env, MAX_SESSIONS: '2' });
    try {
      const held = [server.post('/generate', { hold: true }, 'busy-a'), server.post('/generate', { hold: true }, 'busy-b')];
      await until(() => Hold.count === 2);
      const response = await fetch(`${server.url}/generate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: 'nat-session=busy-c' },
        body: '{}',
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toMatchObject({ code: 'session_limit', message: expect.stringContaining('general.max_sessions') });
      Hold.releaseAll();
      await Promise.all(held);
    } finally {
      Hold.releaseAll();
      await server.close();
    }
  });

  it('queues requests beyond max_concurrency_per_user and answers 429 when the queue is full', async () => {
    const server = await startServer(CONFIG, { ...process.env, MAX_CONCURRENCY: '1', MAX_QUEUED: '1' });
    try {
      const first = server.post('/generate', { hold: true }, 'solo');
      await until(() => Hold.count === 1);
      const queued = server.post('/generate', {}, 'solo');
      await until(() => server.app.get(SessionRegistry).get('solo')!.waiting.length === 1);
      const rejected = await server.post('/generate', {}, 'solo');
      expect(rejected.status).toBe(429);
      expect(rejected.json.code).toBe('too_many_requests');
      expect((await server.post('/generate', {}, 'other-user')).status).toBe(200); // limits are per user
      Hold.releaseAll();
      expect((await first).json.calls).toBe(1);
      expect((await queued).json.calls).toBe(2);
    } finally {
      Hold.releaseAll();
      await server.close();
    }
  });

  it('answers 429 when a queued request waits longer than queue_timeout', async () => {
    const server = await startServer(CONFIG, { ...process.env, MAX_CONCURRENCY: '1', QUEUE_TIMEOUT: '100ms' });
    try {
      const first = server.post('/generate', { hold: true }, 'slowpoke');
      await until(() => Hold.count === 1);
      const timedOut = await server.post('/generate', {}, 'slowpoke');
      expect(timedOut.status).toBe(429);
      expect(timedOut.json.message).toContain('general.queue_timeout');
      Hold.releaseAll();
      await first;
    } finally {
      Hold.releaseAll();
      await server.close();
    }
  });
});

/** Waits for a condition driven by the server (no fixed sleeps). */
async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
