import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Redis from 'ioredis';
import { deleteKeys, REDIS_URL, requireRedis } from '../../../../test/support/redis';
import { LeaseLostError } from '@userscope/runtime';
import { ClusterConfig } from '../config/cluster.config';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { LeaseRenewalScheduler } from '../ownership/lease-renewal.scheduler';
import { RedisUserOwnership } from '../ownership/redis-user.ownership';
import { ReplicaIdentity } from '../replica/replica.identity';
import { OwnerForwarding } from './owner-forwarding.hook';

/** The hook's collaborators as stubs: `ann` has a built session here, and r2 holds her lease in Redis's eyes. */
function hook({ unconfirmed, checkFindsItTaken }: { unconfirmed: boolean; checkFindsItTaken: boolean }) {
  const lease = { userId: 'ann', token: 1 };
  const sessions = new Map([['ann', { built: true, lease }]]);
  const calls = { checks: 0, opened: 0, forwardedTo: [] as string[] };
  const forwarding = new OwnerForwarding(
    { resolve: () => 'ann' } as never,
    {} as never,
    { get: (userId: string) => sessions.get(userId) } as never,
    {
      open: () => {
        calls.opened++;
        const ready = Promise.reject(new UserLeasedElsewhereError('ann', 'r2', 'http://127.0.0.1:2', 4_000));
        ready.catch(() => undefined);
        return { ready };
      },
    } as never,
    { isPerUser: true } as never,
    {
      verify: () => {
        if (!unconfirmed) return undefined;
        calls.checks++;
        if (!checkFindsItTaken) return Promise.resolve();
        sessions.delete('ann'); // the lease's onLost ends the session
        return Promise.reject(new LeaseLostError('ann'));
      },
    } as never,
    { id: 'r1' } as never,
    { open: async (_request: unknown, target: { replica: string }) => void calls.forwardedTo.push(target.replica) } as never,
    { allowed: false } as never,
    Object.assign(new ClusterConfig(), { redis_url: 'redis://x' }),
  );
  const request = { method: 'POST', routeOptions: { url: '/generate' }, headers: {}, raw: {} } as unknown as FastifyRequest;
  return { route: () => forwarding.route(request, {} as FastifyReply), calls };
}

describe('OwnerForwarding: a replica with a session of the caller', () => {
  it('serves the user without asking Redis while its lease is confirmed', async () => {
    const { route, calls } = hook({ unconfirmed: false, checkFindsItTaken: false });
    await route();
    expect(calls).toEqual({ checks: 0, opened: 0, forwardedTo: [] });
  });

  it('checks with Redis first when Redis has not confirmed the lease for lease_ttl (it was paused), then serves the user if still held', async () => {
    const { route, calls } = hook({ unconfirmed: true, checkFindsItTaken: false });
    await route();
    expect(calls).toEqual({ checks: 1, opened: 0, forwardedTo: [] });
  });

  it('forwards to the new owner when that check finds the lease taken, instead of serving stale instances', async () => {
    const { route, calls } = hook({ unconfirmed: true, checkFindsItTaken: true });
    await route();
    expect(calls).toEqual({ checks: 1, opened: 1, forwardedTo: ['r2'] });
  });
});

describe('OwnerForwarding: a replica woken past lease_ttl, on a real Redis', () => {
  if (!requireRedis('owner forwarding (woken owner)', 'REDIS_URL')) return;

  const prefix = `userscope-test-woken-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const ttlMs = 3_000;
  beforeAll(() => redis.connect());
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('takes no renewal sent before the pause for a confirmation: the lease is asked for anew, and the user forwarded to its new owner', async () => {
    // Once `holdNext`, the next script call reaches Redis at once, but its reply is held back: the process paused right after sending it.
    let holdNext = false;
    let releaseReply!: () => void;
    const replyHeld = new Promise<void>((resolve) => (releaseReply = resolve));
    let sentFirst!: () => void;
    const firstSent = new Promise<void>((resolve) => (sentFirst = resolve));
    const pausing = new Proxy(redis, {
      get(target, property, receiver) {
        if (property !== 'evalsha') return Reflect.get(target, property, receiver);
        return async (...args: unknown[]) => {
          const reply = await (target.evalsha as (...a: unknown[]) => Promise<unknown>)(...args);
          if (holdNext) {
            holdNext = false;
            sentFirst();
            await replyHeld;
          }
          return reply;
        };
      },
    });
    const ownership = new RedisUserOwnership(pausing, new ReplicaIdentity({ replica_id: 'r1', advertise_url: 'http://r1.test:1' }), { keyPrefix: prefix, leaseTtlMs: ttlMs });
    const sessions = new Map<string, object>();
    const lease = await ownership.claim('ann', () => sessions.delete('ann'));
    sessions.set('ann', { built: true, lease });
    const scheduler = new LeaseRenewalScheduler(ownership, ttlMs);
    const forwardedTo: string[] = [];
    const forwarding = new OwnerForwarding(
      { resolve: () => 'ann' } as never,
      {} as never,
      { get: (userId: string) => sessions.get(userId) } as never,
      { open: () => ({ ready: Promise.reject(new UserLeasedElsewhereError('ann', 'r2', 'http://r2.test:2', 2_000)) }) } as never,
      { isPerUser: true } as never,
      ownership,
      { id: 'r1' } as never,
      { open: async (_request: unknown, target: { replica: string }) => void forwardedTo.push(target.replica) } as never,
      { allowed: false } as never,
      Object.assign(new ClusterConfig(), { redis_url: 'redis://x' }),
    );

    holdNext = true;
    const pass = scheduler.renewNow(); // renewed in Redis now; its reply comes after the pause
    await firstSent;
    // The pause: lease_ttl goes by, the lease expires, and r2 claims the user.
    await redis.set(`${prefix}owner:ann`, '999999 r2 http://r2.test:2', 'PX', ttlMs);
    const realNow = Date.now;
    Date.now = () => realNow() + ttlMs;
    try {
      const request = { method: 'POST', routeOptions: { url: '/generate' }, headers: {}, raw: {} } as unknown as FastifyRequest;
      const routed = forwarding.route(request, {} as FastifyReply);
      releaseReply();
      await Promise.all([routed, pass]);
    } finally {
      Date.now = realNow;
    }
    expect({ forwardedTo, servedHere: sessions.has('ann') }).toEqual({ forwardedTo: ['r2'], servedHere: false });
  });

  it("lets /generate's lane take only a caller built here on a lease confirmed within lease_ttl, and no forwarded request", async () => {
    const ownership = new RedisUserOwnership(redis, new ReplicaIdentity({ replica_id: 'r1', advertise_url: 'http://r1.test:1' }), { keyPrefix: prefix, leaseTtlMs: ttlMs });
    const lease = await ownership.claim('cat', () => undefined);
    const sessions = new Map<string, object>([
      ['cat', { built: true, lease }],
      ['dan', { built: false }],
    ]);
    const forwarding = new OwnerForwarding(
      { resolve: (request: { headers: { user?: string } }) => request.headers.user } as never,
      {} as never,
      { get: (userId: string) => sessions.get(userId) } as never,
      {} as never,
      { isPerUser: true } as never,
      ownership,
      { id: 'r1' } as never,
      {} as never,
      { allowed: false } as never,
      Object.assign(new ClusterConfig(), { redis_url: 'redis://x' }),
    );
    const leaves = (headers: Record<string, string>) => forwarding.leavesCallerHere({ headers } as never);
    expect(leaves({ user: 'cat' })).toBe(true);
    expect(leaves({ user: 'cat', 'x-userscope-forwarded-by': 'r2' })).toBe(false); // it may ask for its user
    expect(leaves({ user: 'dan' })).toBe(false); // still being built: the claim is the hook's
    expect(leaves({ user: 'eve' })).toBe(false); // no session here: claimed or forwarded by the hook
    expect(leaves({})).toBe(true); // no identity: the route issues one, or answers 401, as the hook leaves it
    const realNow = Date.now;
    Date.now = () => realNow() + ttlMs; // woken past lease_ttl: the hook confirms the lease with Redis first
    try {
      expect(leaves({ user: 'cat' })).toBe(false);
    } finally {
      Date.now = realNow;
    }
    await ownership.release(lease);
  });
});
