import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClusterConfig } from '../config/cluster.config';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { OwnerForwarding } from './owner-forwarding.hook';

/** The hook's collaborators as stubs: `ann` has a built session here, and r2 holds her lease in Redis's eyes. */
function hook({ unconfirmed, renewalFindsItTaken }: { unconfirmed: boolean; renewalFindsItTaken: boolean }) {
  const sessions = new Map([['ann', { built: true }]]);
  const calls = { renewals: 0, opened: 0, forwardedTo: [] as string[] };
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
    { isUnconfirmed: () => unconfirmed } as never,
    { id: 'r1' } as never,
    { open: async (_request: unknown, target: { replica: string }) => void calls.forwardedTo.push(target.replica) } as never,
    {
      renewNow: async () => {
        calls.renewals++;
        if (renewalFindsItTaken) sessions.delete('ann'); // the lease's onLost ends the session
      },
    } as never,
    { allowed: false } as never,
    Object.assign(new ClusterConfig(), { redis_url: 'redis://x' }),
  );
  const request = { method: 'POST', routeOptions: { url: '/generate' }, headers: {}, raw: {} } as unknown as FastifyRequest;
  return { route: () => forwarding.route(request, {} as FastifyReply), calls };
}

describe('OwnerForwarding: a replica with a session of the caller', () => {
  it('serves the user without asking Redis while its lease is confirmed', async () => {
    const { route, calls } = hook({ unconfirmed: false, renewalFindsItTaken: false });
    await route();
    expect(calls).toEqual({ renewals: 0, opened: 0, forwardedTo: [] });
  });

  it('renews first when Redis has not confirmed the lease for lease_ttl (it was paused), then serves the user if still held', async () => {
    const { route, calls } = hook({ unconfirmed: true, renewalFindsItTaken: false });
    await route();
    expect(calls).toEqual({ renewals: 1, opened: 0, forwardedTo: [] });
  });

  it('forwards to the new owner when that renewal finds the lease taken, instead of serving stale instances', async () => {
    const { route, calls } = hook({ unconfirmed: true, renewalFindsItTaken: true });
    await route();
    expect(calls).toEqual({ renewals: 1, opened: 1, forwardedTo: ['r2'] });
  });
});
