import { ClusterHarness, generate } from './support/cluster-harness';
import { requireHaproxy } from './support/haproxy';
import { requireRedis } from './support/redis';

jest.setTimeout(60_000);

const LEASE_TTL_MS = 3_000;
const USERS = 30;

/**
 * kill -9 of a replica behind the real haproxy: its users are served again through the proxy as
 * soon as its leases expire, not once haproxy's own retries and health checks give up on it
 * (deploy/haproxy.cfg redispatches a refused connection to another replica at once).
 */
describe('cluster mode behind haproxy: kill -9 of a replica', () => {
  if (!requireRedis('cluster proxy failover', 'REDIS_URL') || !requireHaproxy('cluster proxy failover')) return;

  let cluster: ClusterHarness;
  beforeAll(async () => {
    cluster = await ClusterHarness.start({ replicas: 3, proxy: true, leaseTtl: `${LEASE_TTL_MS}ms` });
  });
  afterAll(() => cluster?.stop());

  it("serves the killed replica's users through the proxy within lease_ttl + 1.5 s, everyone else throughout", async () => {
    const placed = await Promise.all(Array.from({ length: USERS }, async (_, i) => [`pf-${i}`, (await generate(cluster.url, `pf-${i}`, { command: 'stats' })).replica] as const));
    const victims = placed.filter(([, replica]) => replica === 'r2').map(([user]) => user);
    const others = placed.filter(([, replica]) => replica !== 'r2');
    expect(victims.length).toBeGreaterThan(0);

    const r2 = cluster.replica('r2').process;
    r2.kill('SIGKILL');
    await r2.exited;
    const killedAt = Date.now();
    const servedAfter = await Promise.all(
      victims.map(async (user) => {
        for (;;) {
          // A kept-alive connection to the proxy that it closed as the replica died fails once; a client retries it.
          const reply = await generate(cluster.url, user, { command: 'stats' }).catch((error: Error) => ({ status: 0, text: String(error.cause ?? error), replica: null }));
          if (reply.status === 0) {
            expect(reply.text).toMatch(/other side closed|ECONNRESET|socket/i);
            await new Promise((resolve) => setTimeout(resolve, 100));
            continue;
          }
          if (reply.status === 200) return { ms: Date.now() - killedAt, replica: reply.replica };
          // Until its lease expires: the live replica the proxy chose answers that the dead one holds the user.
          expect([reply.status, JSON.parse(reply.text).code]).toEqual([503, 'user_owned_elsewhere']);
          if (Date.now() - killedAt > LEASE_TTL_MS + 5_000) return { ms: Infinity, replica: null };
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }),
    );
    console.log(`kill -9 behind haproxy: ${victims.length} users served again after ${servedAfter.map((s) => s.ms).join(', ')} ms`);
    for (const served of servedAfter) {
      expect(served.ms).toBeLessThanOrEqual(LEASE_TTL_MS + 1_500);
      expect(['r1', 'r3']).toContain(served.replica);
    }
    for (const [user, replica] of others) expect(await generate(cluster.url, user, { command: 'stats' })).toMatchObject({ status: 200, replica });
  });
});
