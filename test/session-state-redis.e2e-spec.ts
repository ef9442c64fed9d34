import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { LeaseLostError, UserLease } from '@userscope/runtime';
import { RedisSessionStateOptions, RedisSessionStateStore, SessionStateTooLargeError, StateStoreUnavailableError } from '@userscope/cluster';
import { deleteKeys, OwnRedisServer, REDIS_URL, requireRedis } from './support/redis';

const TTL_SECONDS = 60;

/** Claims `userId` as cluster.md's key schema says: the next token of `P fence`, written into `P owner:<userId>`. */
async function claim(redis: Redis, prefix: string, userId: string, leaseTtlMs = 60_000): Promise<UserLease> {
  const token = await redis.incr(`${prefix}fence`);
  await redis.set(`${prefix}owner:${userId}`, `${token} replica-${token} http://127.0.0.1:1`, 'PX', leaseTtlMs);
  return { userId, token };
}

const states = (entries: Record<string, unknown>) => new Map(Object.entries(entries).map(([key, value]) => [key, JSON.stringify(value)]));

/** Resolves once `check` holds, polling Redis every 20 ms for at most `timeoutMs`. */
async function until(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('RedisSessionStateStore against real Redis', () => {
  if (!requireRedis('RedisSessionStateStore', 'REDIS_URL')) return;
  const prefix = `userscope:test:state:${process.pid}:${Date.now()}:`;
  let redis: Redis;
  let store: RedisSessionStateStore;
  const options = (overrides: Partial<RedisSessionStateOptions> = {}): RedisSessionStateOptions => ({
    keyPrefix: prefix,
    ttlSeconds: TTL_SECONDS,
    maxBytes: 1000,
    redisUrl: REDIS_URL,
    ...overrides,
  });
  const hash = (userId: string) => redis.hgetall(`${prefix}state:${userId}`);

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    store = new RedisSessionStateStore(redis, options());
  });
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('saves under the current lease, with its token, and loads the states back parsed', async () => {
    const lease = await claim(redis, prefix, 'ann');
    await store.save(lease, states({ notepad: { notes: ['a'] }, prefs: { theme: 'light' } }));
    expect(await hash('ann')).toEqual({ notepad: '{"notes":["a"]}', prefs: '{"theme":"light"}', __token: String(lease.token) });
    expect(await store.load('ann')).toEqual(new Map<string, unknown>([['notepad', { notes: ['a'] }], ['prefs', { theme: 'light' }]]));
    await store.save(lease, states({ notepad: { notes: ['a', 'b'] } }));
    expect(await hash('ann')).toEqual({ notepad: '{"notes":["a","b"]}', prefs: '{"theme":"light"}', __token: String(lease.token) });
  });

  it('loads nothing for a user never saved', async () => {
    expect(await store.load('nobody')).toEqual(new Map());
    expect(await redis.exists(`${prefix}state:nobody`)).toBe(0);
  });

  it('refuses a write under an older token once the user was claimed again, and keeps the newer state', async () => {
    const old = await claim(redis, prefix, 'bo');
    await store.save(old, states({ notepad: 1 }));
    const current = await claim(redis, prefix, 'bo');
    await expect(store.save(old, states({ notepad: 'stale' }))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await hash('bo')).toEqual({ notepad: '1', __token: String(old.token) });
    await store.save(current, states({ notepad: 2 }));
    expect(await hash('bo')).toEqual({ notepad: '2', __token: String(current.token) });
  });

  it('refuses a write when nobody holds the user (the lease expired)', async () => {
    const lease = await claim(redis, prefix, 'cy');
    await redis.del(`${prefix}owner:cy`);
    await expect(store.save(lease, states({ notepad: 1 }))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await redis.exists(`${prefix}state:cy`)).toBe(0);
  });

  it('keeps __token monotonic: an owner key holding an older token than the last write is refused too', async () => {
    const older = await claim(redis, prefix, 'dee');
    const newer = await claim(redis, prefix, 'dee');
    await store.save(newer, states({ notepad: 'newer' }));
    await redis.set(`${prefix}owner:dee`, `${older.token} replica-old http://127.0.0.1:1`, 'PX', 60_000);
    await expect(store.save(older, states({ notepad: 'older' }))).rejects.toBeInstanceOf(LeaseLostError);
    expect(await hash('dee')).toEqual({ notepad: '"newer"', __token: String(newer.token) });
  });

  it('sets session_state_ttl on each write, and on each load', async () => {
    const lease = await claim(redis, prefix, 'eli');
    const key = `${prefix}state:eli`;
    await store.save(lease, states({ notepad: 1 }));
    expect(await redis.pttl(key)).toBeGreaterThan((TTL_SECONDS - 5) * 1000);
    await redis.pexpire(key, 1_000);
    await store.load('eli');
    expect(await redis.pttl(key)).toBeGreaterThan((TTL_SECONDS - 5) * 1000);
  });

  it('renews the TTL of a user who only reads, at most once per interval per lease', async () => {
    const lease = await claim(redis, prefix, 'fay');
    const key = `${prefix}state:fay`;
    await store.save(lease, states({ notepad: 1 }));
    await redis.pexpire(key, 1_000);
    // Saved just now: nothing to renew yet. The store's commands go first on its connection.
    store.touch(lease);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(1_000);
    const later = { ...lease }; // another session's lease: never renewed yet
    store.touch(later);
    expect(await redis.pttl(key)).toBeGreaterThan((TTL_SECONDS - 5) * 1000);
    await redis.pexpire(key, 1_000);
    store.touch(later);
    expect(await redis.pttl(key)).toBeLessThanOrEqual(1_000);
  });

  it('refuses a state over the size limit before writing anything', async () => {
    const lease = await claim(redis, prefix, 'gus');
    await store.save(lease, states({ notepad: 'small' }));
    const error = await store.save(lease, states({ prefs: 'ok', 'userscope:function:notepad': 'x'.repeat(1000) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionStateTooLargeError);
    expect((error as SessionStateTooLargeError).getStatus()).toBe(507);
    expect((error as SessionStateTooLargeError).body).toEqual({
      code: 'session_state_too_large',
      message: expect.stringContaining("function 'notepad' saves for user 'gus' is 1002 bytes as JSON, over general.session_state_max_bytes (1000)"),
      details: { bytes: 1002, limit: 1000 },
    });
    expect(await hash('gus')).toEqual({ notepad: '"small"', __token: String(lease.token) });
  });

  it('purges the saved states', async () => {
    const lease = await claim(redis, prefix, 'hal');
    await store.save(lease, states({ notepad: 1 }));
    await redis.del(`${prefix}owner:hal`); // the session ended and gave the user up
    await store.purge('hal');
    expect(await redis.exists(`${prefix}state:hal`)).toBe(0);
    expect(await store.load('hal')).toEqual(new Map());
    expect(await store.inspect('hal')).toBeUndefined();
  });

  it('purging a user another replica holds fences that replica out; the next claim writes as usual', async () => {
    const holder = await claim(redis, prefix, 'ida');
    await store.save(holder, states({ notepad: 'before purge' }));
    await store.purge('ida');
    expect(await store.load('ida')).toEqual(new Map());
    await expect(store.save(holder, states({ notepad: 'recreated' }))).rejects.toBeInstanceOf(LeaseLostError);
    const next = await claim(redis, prefix, 'ida');
    await store.save(next, states({ notepad: 'fresh' }));
    expect(await store.load('ida')).toEqual(new Map([['notepad', 'fresh']]));
  });

  it('shows a saved state to an admin with its token and time to live, without renewing it', async () => {
    const lease = await claim(redis, prefix, 'jo');
    await store.save(lease, states({ notepad: { notes: ['x'] } }));
    await redis.pexpire(`${prefix}state:jo`, 5_000);
    const seen = await store.inspect('jo');
    expect(seen).toEqual({ states: new Map([['notepad', { notes: ['x'] }]]), token: lease.token, expiresInMs: expect.any(Number) });
    expect(seen!.expiresInMs).toBeLessThanOrEqual(5_000);
    expect(await redis.pttl(`${prefix}state:jo`)).toBeLessThanOrEqual(5_000);
  });

  it('skips a field that is not JSON, loading the others', async () => {
    await redis.hset(`${prefix}state:kim`, 'notepad', '{broken', 'prefs', '{"theme":"x"}', '__token', '1');
    expect(await store.load('kim')).toEqual(new Map([['prefs', { theme: 'x' }]]));
  });

  describe('a replica paused past its lease (SIGSTOP-style), at the store', () => {
    it("refuses the paused replica's write once another replica claimed the user, and keeps the newer state", async () => {
      const paused = await claim(redis, prefix, 'lou', 200);
      await store.save(paused, states({ notepad: { notes: ['one'] } }));
      // Paused: it renews nothing, and its lease runs out.
      await until(async () => (await redis.exists(`${prefix}owner:lou`)) === 0);
      const other = await claim(redis, prefix, 'lou');
      await store.save(other, states({ notepad: { notes: ['one', 'two'] } }));
      // Resumed: it writes what it had, under its old token.
      await expect(store.save(paused, states({ notepad: { notes: ['one', 'stale'] } }))).rejects.toBeInstanceOf(LeaseLostError);
      expect(await store.load('lou')).toEqual(new Map([['notepad', { notes: ['one', 'two'] }]]));
      expect(await redis.hget(`${prefix}state:lou`, '__token')).toBe(String(other.token));
    });
  });
});

describe('RedisSessionStateStore while its Redis is down', () => {
  if (!requireRedis('RedisSessionStateStore (own Redis)', 'redis-server')) return;
  const prefix = 'userscope:test:state-down:';
  let dir: string;
  let server: OwnRedisServer;
  let redis: Redis;
  let store: RedisSessionStateStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-state-redis-'));
    server = await OwnRedisServer.start(dir);
    // As the cluster's connection is: commands time out instead of waiting for Redis.
    redis = new Redis(server.url, { commandTimeout: 300, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    store = new RedisSessionStateStore(redis, { keyPrefix: prefix, ttlSeconds: TTL_SECONDS, maxBytes: 1000, redisUrl: server.url });
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a save with 503 state_store_unavailable naming the store, and writes nothing', async () => {
    const lease = await claim(redis, prefix, 'ann');
    await store.save(lease, states({ notepad: 1 }));
    await server.kill();
    const error = await store.save(lease, states({ notepad: 2, prefs: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateStoreUnavailableError);
    expect((error as StateStoreUnavailableError).getStatus()).toBe(503);
    expect((error as StateStoreUnavailableError).headers).toEqual({ 'retry-after': '2' });
    expect((error as StateStoreUnavailableError).body).toEqual({
      code: 'state_store_unavailable',
      message: expect.stringContaining(`The session state store (Redis at ${server.url}, general.session_state: redis) did not answer while saving a user's state`),
    });
    await expect(store.load('ann')).rejects.toBeInstanceOf(StateStoreUnavailableError);
    await server.restart();
    await until(async () => redis.status === 'ready');
    expect(await redis.hgetall(`${prefix}state:ann`)).toEqual({ notepad: '1', __token: String(lease.token) });
  });

  it('fails within the command timeout while Redis is frozen, and leaves a state whole', async () => {
    const lease = await claim(redis, prefix, 'bo');
    await store.save(lease, states({ a: 1, b: 1 }));
    server.pause();
    const started = Date.now();
    try {
      await expect(store.save(lease, states({ a: 2, b: 2 }))).rejects.toBeInstanceOf(StateStoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      server.resume();
    }
    // The frozen write may land once Redis runs again, but all of it or none.
    const saved = await redis.hgetall(`${prefix}state:bo`);
    expect([{ a: '1', b: '1', __token: String(lease.token) }, { a: '2', b: '2', __token: String(lease.token) }]).toContainEqual(saved);
  });
});
