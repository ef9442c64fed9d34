import { CLUSTER_ADMIN_TOKEN, ClusterHarness, adminGet } from './support/cluster-harness';
import { HaproxyProcess, requireHaproxy } from './support/haproxy';
import { REDIS_URL, requireRedis } from './support/redis';

jest.setTimeout(90_000);

const USERS = 200;
const REBALANCE_AFTER = 3;
/** Requests of each user after the 4th replica joined: enough for a forwarded user to be asked over and served there. */
const LATER_REQUESTS = REBALANCE_AFTER + 3;
/** Users talking at once (each user's own requests one after another, as a client's). */
const CLIENTS = 20;

const userName = (i: number) => `scale-${i}`;

/**
 * A 4th replica joins three behind the real haproxy (deploy/haproxy.cfg, restarted with four
 * servers): its consistent hash sends it about a quarter of the users, whose leases are on the
 * others. With durable state those users are handed over to it after `rebalance_after` forwarded
 * requests, each built once before and once after, never twice at once; with the memory default
 * nobody moves (a handover would lose their state): the new replica forwards.
 */
describe.each(['redis', 'memory'] as const)('cluster mode: a 4th replica joins (session_state: %s)', (sessionState) => {
  if (!requireRedis('cluster scale-out', 'REDIS_URL') || !requireHaproxy('cluster scale-out')) return;

  let cluster: ClusterHarness;
  /** Per user: the replica that answered each request, and the total it said. */
  const seen = new Map<string, { replicas: string[]; totals: number[]; handedOver: number }>();

  /** Builds of `user`'s counter by replica, the replicas that built none left out. */
  const builds = (user: string): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const { id, process } of cluster.replicas) {
      const n = process.printed.split(`cluster_counter built for '${user}' on ${id}`).length - 1;
      if (n > 0) counts[id] = n;
    }
    return counts;
  };

  async function send(user: string): Promise<void> {
    const response = await fetch(`${cluster.url}/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
      body: JSON.stringify({ add: 1 }),
    });
    const body = (await response.json()) as { total: number };
    if (response.status !== 200) throw new Error(`${user}: ${response.status} ${JSON.stringify(body)}`);
    const entry = seen.get(user) ?? { replicas: [], totals: [], handedOver: 0 };
    entry.replicas.push(response.headers.get('x-userscope-replica')!);
    entry.totals.push(body.total);
    if (response.headers.get('x-userscope-handed-over')) entry.handedOver++;
    seen.set(user, entry);
  }

  /** Every user sends `requests` requests, one after another, CLIENTS users at a time. */
  async function everyUserSends(requests: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < USERS) {
          const user = userName(next++);
          for (let i = 0; i < requests; i++) await send(user);
        }
      }),
    );
  }

  beforeAll(async () => {
    cluster = await ClusterHarness.start({
      replicas: 3,
      proxy: true,
      config: 'test/fixtures/cluster.yml',
      env: { USERSCOPE_CLUSTER_REDIS_URL: REDIS_URL, USERSCOPE_LEASE_TTL: '5s', CLUSTER_SESSION_STATE: sessionState, CLUSTER_REBALANCE_AFTER: String(REBALANCE_AFTER) },
    });
    await everyUserSends(1);
    await cluster.startReplica('r4');
    const before = cluster.proxy!;
    cluster.proxy = await HaproxyProcess.start(cluster.replicas.map((replica) => replica.hostPort));
    await before.stop();
    await everyUserSends(LATER_REQUESTS);
  });
  afterAll(() => cluster?.stop());

  const users = () => [...seen.keys()];
  const firstOwner = (user: string) => seen.get(user)!.replicas[0];
  const lastReplica = (user: string) => seen.get(user)!.replicas.at(-1)!;
  const moved = () => users().filter((user) => lastReplica(user) !== firstOwner(user));

  it('answers every request of every user with a counter that never lost a count', () => {
    expect(seen.size).toBe(USERS);
    for (const user of users()) expect(seen.get(user)!.totals).toEqual(Array.from({ length: 1 + LATER_REQUESTS }, (_, i) => i + 1));
  });

  if (sessionState === 'redis') {
    it('moves about a quarter of the users, all to the new replica, each once and for good', () => {
      const share = moved().length / USERS;
      console.log(`session_state: redis: ${moved().length} of ${USERS} users (${Math.round(share * 100)}%) moved to r4`);
      expect(share).toBeGreaterThan(0.1);
      expect(share).toBeLessThanOrEqual(0.35);
      for (const user of moved()) {
        const { replicas, handedOver } = seen.get(user)!;
        // Forwarded to the old owner until it was asked (the REBALANCE_AFTER-th forward), then served by r4 alone.
        const firstOnR4 = replicas.indexOf('r4');
        expect(replicas.slice(0, firstOnR4)).toEqual(Array(firstOnR4).fill(firstOwner(user)));
        expect(replicas.slice(firstOnR4)).toEqual(Array(replicas.length - firstOnR4).fill('r4'));
        expect(firstOnR4).toBe(1 + REBALANCE_AFTER);
        expect(handedOver).toBe(1);
      }
    });

    it('builds a user once, or once before and once after their handover: never on two replicas at once', () => {
      const movedUsers = new Set(moved());
      for (const user of users()) {
        if (movedUsers.has(user)) expect(builds(user)).toEqual({ [firstOwner(user)]: 1, r4: 1 });
        else expect(builds(user)).toEqual({ [firstOwner(user)]: 1 });
      }
    });
  } else {
    it('moves nobody: the new replica forwards to the owners, each user built exactly once', () => {
      expect(moved()).toEqual([]);
      for (const user of users()) {
        expect(new Set(seen.get(user)!.replicas)).toEqual(new Set([firstOwner(user)]));
        expect(seen.get(user)!.handedOver).toBe(0);
        expect(builds(user)).toEqual({ [firstOwner(user)]: 1 });
      }
    });
  }

  it('lists every user once, on the replica that answers them, in the monitor of the whole cluster', async () => {
    const { status, json } = await adminGet(cluster.url, '/monitor/users', CLUSTER_ADMIN_TOKEN);
    expect(status).toBe(200);
    expect(json.missing_replicas ?? []).toEqual([]);
    const listed = json.users.filter((user: any) => seen.has(user.user_id)).map((user: any) => `${user.user_id}@${user.replica}`).sort();
    expect(listed).toEqual(users().map((user) => `${user}@${lastReplica(user)}`).sort());
  });
});
