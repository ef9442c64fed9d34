import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { deleteKeys, REDIS_URL, requireRedis } from '../../../../test/support/redis';
import { ReplicaIdentity } from '../replica/replica.identity';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { ReplicaDrainingError } from '../exceptions/replica-draining.exception';
import { ClusterRedisUnavailableError } from '../exceptions/cluster-redis-unavailable.exception';
import { LeaseLostError } from '@userscope/runtime';
import { RedisUserOwnership } from './redis-user.ownership';

describe('RedisUserOwnership: the lease scripts on a real Redis', () => {
  if (!requireRedis('lease script', 'REDIS_URL')) return;

  const prefix = `userscope-test-leases-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const ttlMs = 3_000;
  const replica = (id: string) => new ReplicaIdentity({ replica_id: id, advertise_url: `http://${id}.test:8000/` });
  const ownership = (id: string, batchSize?: number, connection: Redis = redis) =>
    new RedisUserOwnership(connection, replica(id), { keyPrefix: prefix, leaseTtlMs: ttlMs, batchSize });
  const lost: string[] = [];
  // A lease lost for want of a renewal says so; one taken by another replica is its user's id alone.
  const onLost = (userId: string) => (cause?: string) => lost.push(cause === 'unconfirmed' ? `${userId} (unconfirmed)` : userId);

  beforeAll(() => redis.connect());
  beforeEach(() => (lost.length = 0));
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('grants an absent user with the next fencing token, as "<token> <replica> <url>" for lease_ttl', async () => {
    const a = ownership('a');
    const lease = await a.claim('ann', onLost('ann'));
    expect(lease).toEqual({ userId: 'ann', token: expect.any(Number) });
    expect(await redis.get(`${prefix}owner:ann`)).toBe(`${lease.token} a http://a.test:8000`);
    expect(Number(await redis.get(`${prefix}fence`))).toBe(lease.token);
    const pttl = await redis.pttl(`${prefix}owner:ann`);
    expect(pttl).toBeGreaterThan(ttlMs - 1_000);
    expect(pttl).toBeLessThanOrEqual(ttlMs);
    expect(a.holds('ann')).toBe(true);
  });

  it("refuses a user another replica holds, naming the holder, its address, and its lease's remaining time", async () => {
    await ownership('a').claim('bo', onLost('bo'));
    const refusal = await ownership('b').claim('bo', onLost('bo')).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UserLeasedElsewhereError);
    const error = refusal as UserLeasedElsewhereError;
    expect(error.ownerReplica).toBe('a');
    expect(error.ownerUrl).toBe('http://a.test:8000');
    expect(error.getStatus()).toBe(503);
    expect(error.body).toMatchObject({ code: 'user_owned_elsewhere', details: { replica: 'a' } });
    expect(error.headers['retry-after']).toBe('3');
  });

  it('gives every new claim a greater token: after a release, and on a re-claim by the holder itself', async () => {
    const a = ownership('a');
    const b = ownership('b');
    const first = await a.claim('cy', onLost('cy'));
    await a.release(first);
    expect(await redis.exists(`${prefix}owner:cy`)).toBe(0);
    const second = await b.claim('cy', onLost('cy'));
    expect(second.token).toBeGreaterThan(first.token);
    await b.release(second);
    const third = await a.claim('cy', onLost('cy'));
    // The holder claiming again (its release never reached Redis, or it restarted under the same id) gets a new token.
    const fourth = await ownership('a').claim('cy', onLost('cy'));
    expect(third.token).toBeGreaterThan(second.token);
    expect(fourth.token).toBeGreaterThan(third.token);
  });

  it('releases by compare-and-delete: a lease that went to another replica is left alone', async () => {
    const a = ownership('a');
    const lease = await a.claim('dee', onLost('dee'));
    await redis.set(`${prefix}owner:dee`, `999999 b http://b.test:8000`, 'PX', ttlMs); // a expired, b claimed
    await a.release(lease);
    expect(await redis.get(`${prefix}owner:dee`)).toBe('999999 b http://b.test:8000');
    expect(a.holds('dee')).toBe(false);
  });

  it('renews held leases in batches, and loses (calling onLost once) those gone or taken', async () => {
    const a = ownership('a', 2);
    const users = ['e1', 'e2', 'e3', 'e4', 'e5'];
    for (const user of users) await a.claim(user, onLost(user));
    for (const user of users) await redis.pexpire(`${prefix}owner:${user}`, 500);
    await redis.set(`${prefix}owner:e4`, '999999 b http://b.test:8000', 'PX', ttlMs);
    await redis.del(`${prefix}owner:e2`);
    await a.renewAll();
    expect(lost.sort()).toEqual(['e2', 'e4']);
    for (const user of ['e1', 'e3', 'e5']) expect(await redis.pttl(`${prefix}owner:${user}`)).toBeGreaterThan(ttlMs - 1_000);
    expect(await redis.get(`${prefix}owner:e4`)).toBe('999999 b http://b.test:8000');
    expect(a.heldCount).toBe(3);
    await a.renewAll();
    expect(lost.sort()).toEqual(['e2', 'e4']);
  });

  it('refuses every claim once draining, and releases everything it holds at the end', async () => {
    const a = ownership('a');
    await a.claim('fay', onLost('fay'));
    await a.claim('gus', onLost('gus'));
    a.startDraining();
    const refusal = await a.claim('hal', onLost('hal')).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ReplicaDrainingError);
    expect((refusal as ReplicaDrainingError).body).toMatchObject({ code: 'replica_draining', details: { replica: 'a' } });
    expect((refusal as ReplicaDrainingError).headers['retry-after']).toBe('1');
    await a.releaseAll();
    expect(await redis.exists(`${prefix}owner:fay`, `${prefix}owner:gus`, `${prefix}owner:hal`)).toBe(0);
    expect(lost).toEqual([]);
  });

  it('answers 503 naming Redis when it is unreachable, and loses leases left unconfirmed for lease_ttl', async () => {
    const connection = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await connection.connect();
    const a = ownership('a', undefined, connection);
    await a.claim('ivy', onLost('ivy'));
    connection.disconnect();
    const refusal = await a.claim('jo', onLost('jo')).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ClusterRedisUnavailableError);
    expect((refusal as ClusterRedisUnavailableError).body.code).toBe('cluster_redis_unavailable');
    await a.renewAll(); // unconfirmed for less than lease_ttl: still held
    expect(lost).toEqual([]);
    const realNow = Date.now;
    Date.now = () => realNow() + ttlMs; // lease_ttl later, still no answer
    const warned: string[] = [];
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((line) => void warned.push(String(line)));
    try {
      await a.renewAll();
    } finally {
      Date.now = realNow;
      warn.mockRestore();
    }
    expect(lost).toEqual(['ivy (unconfirmed)']);
    // One line for all of them, naming them: the sessions' own log says nothing more of unconfirmed leases.
    expect(warned.filter((line) => line.includes('could not be renewed'))).toEqual([
      `1 lease(s) could not be renewed for ${ttlMs} ms (Redis unreachable): they may have expired, so their users' sessions end here ('ivy')`,
    ]);
    expect(a.heldCount).toBe(0);
  });

  it('verifies a lease confirmed within lease_ttl without asking Redis; past it, renews it first, or loses it and refuses', async () => {
    const a = ownership('a');
    const held = await a.claim('lea', onLost('lea'));
    const taken = await a.claim('max', onLost('max'));
    expect(a.verify(held)).toBeUndefined();
    await redis.pexpire(`${prefix}owner:lea`, 500);
    await redis.set(`${prefix}owner:max`, '999999 b http://b.test:8000', 'PX', ttlMs); // a paused past its lease, b claimed
    const realNow = Date.now;
    Date.now = () => realNow() + ttlMs; // a wakes lease_ttl later
    try {
      await a.verify(held); // still a's: renewed, then the call runs
      expect(await redis.pttl(`${prefix}owner:lea`)).toBeGreaterThan(ttlMs - 1_000);
      expect(a.verify(held)).toBeUndefined();
      await expect(a.verify(taken)).rejects.toBeInstanceOf(LeaseLostError);
    } finally {
      Date.now = realNow;
    }
    expect(lost).toEqual(['max']);
    expect(a.holds('max')).toBe(false);
    expect(await redis.get(`${prefix}owner:max`)).toBe('999999 b http://b.test:8000');
    // A lease no longer held (lost, released) is refused at once.
    await expect(a.verify(taken)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('loses a lease past lease_ttl that it cannot verify while Redis does not answer, and answers 503 naming Redis', async () => {
    const connection = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await connection.connect();
    const a = ownership('a', undefined, connection);
    const lease = await a.claim('ned', onLost('ned'));
    connection.disconnect();
    expect(a.verify(lease)).toBeUndefined(); // confirmed lately: no Redis call needed
    const realNow = Date.now;
    Date.now = () => realNow() + ttlMs;
    try {
      await expect(a.verify(lease)).rejects.toBeInstanceOf(ClusterRedisUnavailableError);
    } finally {
      Date.now = realNow;
    }
    expect(lost).toEqual(['ned']);
    expect(a.heldCount).toBe(0);
  });

  it('grants exactly one of many concurrent claims of one user by different replicas', async () => {
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => ownership(`r${i}`).claim('kim', onLost('kim'))));
    const granted = results.filter((result) => result.status === 'fulfilled');
    expect(granted).toHaveLength(1);
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    const holder = (await redis.get(`${prefix}owner:kim`))!.split(' ')[1];
    expect(refused.every((result) => result.reason instanceof UserLeasedElsewhereError && result.reason.ownerReplica === holder)).toBe(true);
  });
});
