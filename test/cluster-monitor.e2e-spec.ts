import { startCliServer } from './support/cli-server';
import { adminGet, CLUSTER_ADMIN_TOKEN, CLUSTER_SEED_CONFIG, ClusterHarness, eventually, generate } from './support/cluster-harness';
import { requireRedis } from './support/redis';
import { ServerProcess } from './support/server-process';

jest.setTimeout(60_000);

const LEASE_TTL_MS = 4_500;
const MONITOR_TIMEOUT_MS = 500;

type Json = any;
const idsOf = (users: Json[]) => users.map((user) => `${user.user_id}@${user.replica}`).sort();

/**
 * The replica directory and the monitor of the whole cluster, on three real `userscope serve`
 * replicas of the seed example sharing one Redis (no proxy: each request goes where the test sends it).
 */
describe('cluster directory and monitor (3 replicas)', () => {
  if (!requireRedis('cluster monitor', 'REDIS_URL')) return;

  let cluster: ClusterHarness;
  /** Who the tests put where: user -> replica. */
  const placed: [string, string][] = [
    ['ann', 'r1'],
    ['ben', 'r1'],
    ['cid', 'r2'],
    ['dot', 'r2'],
    ['eve', 'r3'],
  ];
  const expectedUsers = placed.map(([user, replica]) => `${user}@${replica}`).sort();

  beforeAll(async () => {
    cluster = await ClusterHarness.start({ replicas: 3, leaseTtl: `${LEASE_TTL_MS}ms`, monitorTimeout: `${MONITOR_TIMEOUT_MS}ms` });
    for (const [user, replica] of placed) expect((await generate(cluster.replica(replica).url, user, { command: 'stats' })).status).toBe(200);
  });
  afterAll(() => cluster?.stop());

  it('names the answering replica in X-Userscope-Replica on every response: replies, errors, 404s, event streams', async () => {
    for (const replica of cluster.replicas) {
      expect((await generate(replica.url, 'ann-probe', { command: 'help' })).replica).toBe(replica.id);
      const invalid = await fetch(`${replica.url}/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"command":' });
      expect([invalid.status, invalid.headers.get('x-userscope-replica')]).toEqual([400, replica.id]);
      const missing = await fetch(`${replica.url}/no/such/route`);
      expect([missing.status, missing.headers.get('x-userscope-replica')]).toEqual([404, replica.id]);
      const stream = await fetch(`${replica.url}/generate/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: 'nat-session=ann-probe' },
        body: JSON.stringify({ command: 'stats' }),
      });
      expect([stream.headers.get('content-type'), stream.headers.get('x-userscope-replica')]).toEqual([expect.stringContaining('text/event-stream'), replica.id]);
      await stream.text();
      await fetch(`${replica.url}/monitor/users/ann-probe`, { method: 'DELETE', headers: { authorization: `Bearer ${CLUSTER_ADMIN_TOKEN}` } });
    }
  });

  it('GET /monitor/replicas lists every replica, its version, address and user count from its heartbeat', async () => {
    const reply = await eventually('user counts in the heartbeats', 5_000, async () => {
      const { status, json } = await adminGet(cluster.replica('r2').url, '/monitor/replicas');
      expect(status).toBe(200);
      return json.replicas.map((replica: Json) => replica.users).join() === '2,2,1' ? json : undefined;
    });
    expect(reply).toMatchObject({ replica: 'r2', heartbeat_interval_ms: LEASE_TTL_MS / 3 });
    expect(reply.replicas).toEqual(
      cluster.replicas.map((replica) => ({
        id: replica.id,
        status: 'live',
        self: replica.id === 'r2',
        version: require('userscope/package.json').version,
        address: replica.url,
        users: replica.id === 'r3' ? 1 : 2,
        started_at: expect.any(String),
        heartbeat_at: expect.any(String),
        heartbeat_age_ms: expect.any(Number),
      })),
    );
    for (const replica of reply.replicas) expect(replica.heartbeat_age_ms).toBeLessThan(LEASE_TTL_MS);
    expect((await adminGet(cluster.replica('r2').url, '/monitor/replicas', null)).status).toBe(401);
  });

  it('GET /monitor/users on any replica lists every user of every replica, with its replica', async () => {
    for (const replica of cluster.replicas) {
      const { status, json } = await adminGet(replica.url, '/monitor/users');
      expect(status).toBe(200);
      expect(Object.keys(json)).toEqual(['timestamp', 'total_active_users', 'users', 'missing_replicas']);
      expect({ users: idsOf(json.users), total: json.total_active_users, missing: json.missing_replicas }).toEqual({
        users: expectedUsers,
        total: placed.length,
        missing: [],
      });
      expect(Object.keys(json.users[0])).toEqual(['user_id', 'replica', 'session', 'requests', 'memory', 'llm']);
    }
    // ?scope=local is one replica's own; ?user_id= finds a user wherever they are.
    const local = await adminGet(cluster.replica('r1').url, '/monitor/users?scope=local');
    expect({ users: idsOf(local.json.users), missing: local.json.missing_replicas }).toEqual({ users: ['ann@r1', 'ben@r1'], missing: undefined });
    const eve = await adminGet(cluster.replica('r1').url, '/monitor/users?user_id=eve');
    expect(idsOf(eve.json.users)).toEqual(['eve@r3']);
    const nobody = await adminGet(cluster.replica('r1').url, '/monitor/users?user_id=nobody');
    expect([nobody.status, nobody.json.code]).toEqual([404, 'not_found']);
    const badScope = await adminGet(cluster.replica('r1').url, '/monitor/users?scope=everywhere');
    expect([badScope.status, badScope.json.code]).toEqual([400, 'bad_request']);
    expect((await adminGet(cluster.replica('r1').url, '/monitor/users', null)).status).toBe(401);
  });

  it('documents GET /monitor/replicas and the monitor reply in OpenAPI', async () => {
    const document: Json = await (await fetch(`${cluster.replica('r1').url}/openapi.json`)).json();
    const schemaOf = (path: string) => {
      const ref: string = document.paths[path].get.responses['200'].content['application/json'].schema.$ref;
      return document.components.schemas[ref.slice('#/components/schemas/'.length)];
    };
    expect(Object.keys(schemaOf('/monitor/replicas').properties)).toEqual(['timestamp', 'replica', 'heartbeat_interval_ms', 'replicas']);
    expect(document.components.schemas.ReplicaMonitorEntry.properties.status.enum).toEqual(['live', 'stale', 'gone']);
    expect(Object.keys(schemaOf('/monitor/users').properties)).toContain('missing_replicas');
    expect(document.paths['/monitor/users'].get.parameters.map((parameter: Json) => parameter.name).sort()).toEqual(['scope', 'user_id']);
  });

  it("passes the caller's credentials on: a replica whose admin guard refuses them is listed as missing, and one that left is not", async () => {
    // A replica with an admin token of its own: the one the caller sends r1 does not open it.
    const strict = await startCliServer(CLUSTER_SEED_CONFIG, { ...cluster.replicaEnv('r4'), USERSCOPE_ADMIN_TOKEN: 'another-admin-token-of-its-own-1234' });
    try {
      await generate(strict.url, 'fay', { command: 'stats' });
      const { json } = await adminGet(cluster.replica('r1').url, '/monitor/users');
      expect(idsOf(json.users)).toEqual(expectedUsers);
      expect(json.missing_replicas).toEqual([{ id: 'r4', address: strict.url, reason: 'answered 403: The admin token is not valid.' }]);
    } finally {
      await strict.process.stop();
    }
    // SIGTERM: it left the directory; neither listed nor missing.
    const { json } = await adminGet(cluster.replica('r1').url, '/monitor/users');
    expect(json.missing_replicas).toEqual([]);
    const replicas = await adminGet(cluster.replica('r1').url, '/monitor/replicas');
    expect(replicas.json.replicas.map((replica: Json) => replica.id)).toEqual(['r1', 'r2', 'r3']);
    expect(await cluster.redis.exists(`${cluster.keyPrefix}replica:r4`)).toBe(0);
  });

  it('lists a SIGSTOPped replica as missing within the monitor timeout, stale, then gone; SIGCONT brings it back', async () => {
    const r1 = cluster.replica('r1').url;
    const r3 = cluster.replica('r3');
    r3.process.signal('SIGSTOP');
    try {
      const started = performance.now();
      const { json } = await adminGet(r1, '/monitor/users');
      const tookMs = performance.now() - started;
      expect(idsOf(json.users)).toEqual(expectedUsers.filter((user) => !user.endsWith('@r3')));
      expect(json.missing_replicas).toEqual([{ id: 'r3', address: r3.url, reason: `no answer within ${MONITOR_TIMEOUT_MS} ms` }]);
      expect(tookMs).toBeLessThan(MONITOR_TIMEOUT_MS + 1_000);
      await eventually('r3 stale', LEASE_TTL_MS, async () => {
        const { json: replicas } = await adminGet(r1, '/monitor/replicas');
        return replicas.replicas.find((replica: Json) => replica.id === 'r3').status === 'stale' ? true : undefined;
      });
      // Past lease_ttl its entry expires: gone, and still missing.
      const gone = await eventually('r3 gone', LEASE_TTL_MS, async () => {
        const { json: replicas } = await adminGet(r1, '/monitor/replicas');
        const entry = replicas.replicas.find((replica: Json) => replica.id === 'r3');
        return entry.status === 'gone' ? entry : undefined;
      });
      expect(gone).toMatchObject({ version: null, address: null, users: null });
      const whileGone = await adminGet(r1, '/monitor/users');
      expect(whileGone.json.missing_replicas).toEqual([{ id: 'r3', address: '', reason: expect.stringMatching(/^gone: its directory entry expired without it leaving/) }]);
    } finally {
      r3.process.signal('SIGCONT');
    }
    // Its next heartbeat registers it again.
    const back = await eventually('r3 back', LEASE_TTL_MS, async () => {
      const { json } = await adminGet(r1, '/monitor/users');
      return json.missing_replicas.length === 0 ? json : undefined;
    });
    expect(idsOf(back.users)).toEqual(expectedUsers);
    await r3.process.waitForOutput(/registered again/, 1_000);
  });

  it('refuses to start a second replica under the id of a live one, naming it', async () => {
    const env = { ...process.env, ...cluster.replicaEnv('r2'), NO_COLOR: '1' };
    const duplicate = ServerProcess.start(process.execPath, ['libs/userscope/dist/cli.js', 'serve', '--config_file', CLUSTER_SEED_CONFIG, '--port', '0'], {
      cwd: `${__dirname}/..`,
      env,
    });
    try {
      expect(await duplicate.exited).toBe(1);
      expect(duplicate.printed).toContain(`general.cluster.replica_id 'r2' is in use by a live replica (address ${cluster.replica('r2').url}`);
      expect(duplicate.printed).not.toMatch(/Serving '.*' at/);
    } finally {
      await duplicate.stop(0);
    }
    // r2 kept its entry.
    const { json } = await adminGet(cluster.replica('r1').url, '/monitor/replicas');
    expect(json.replicas.find((replica: Json) => replica.id === 'r2')).toMatchObject({ status: 'live', address: cluster.replica('r2').url });
  });

  it('takes over the id of a replica that died without leaving, once its heartbeat shows it dead', async () => {
    const key = `${cluster.keyPrefix}replica:r5`;
    const heartbeat = new Date(Date.now() - 1_000).toISOString();
    await cluster.redis.hset(key, { id: 'r5', instance: 'a-killed-process', version: '0.0.1', address: 'http://127.0.0.1:9', users: '7', started_at: heartbeat, heartbeat_at: heartbeat });
    // Long enough that only its stopped heartbeat, not its expiry, can free the id.
    await cluster.redis.pexpire(key, 60_000);
    const r5 = await cluster.startReplica('r5');
    expect(r5.process.printed).toContain("its previous holder stopped heartbeating; this replica takes the id over");
    const { json } = await adminGet(cluster.replica('r1').url, '/monitor/replicas');
    expect(json.replicas.find((replica: Json) => replica.id === 'r5')).toMatchObject({ status: 'live', address: r5.url, users: 0 });
    await r5.process.stop();
    cluster.replicas.splice(cluster.replicas.indexOf(r5), 1);
  });

  it('forgets a gone replica after 10 x lease_ttl', async () => {
    const index = `${cluster.keyPrefix}replicas`;
    await cluster.redis.zadd(index, Date.now() - 10 * LEASE_TTL_MS - 1_000, 'r-long-gone', Date.now() - 1_000, 'r-lately-gone');
    const { json } = await adminGet(cluster.replica('r1').url, '/monitor/replicas');
    expect(json.replicas.filter((replica: Json) => replica.status === 'gone').map((replica: Json) => replica.id)).toEqual(['r-lately-gone']);
    expect(await cluster.redis.zscore(index, 'r-long-gone')).toBeNull();
    await cluster.redis.zrem(index, 'r-lately-gone');
  });

  it('lists a killed replica as missing at once (unreachable), then gone', async () => {
    const r1 = cluster.replica('r1').url;
    const r2 = cluster.replica('r2');
    await r2.process.stop(0);
    const { json } = await adminGet(r1, '/monitor/users');
    expect(idsOf(json.users)).toEqual(expectedUsers.filter((user) => !user.endsWith('@r2')));
    expect(json.missing_replicas).toEqual([{ id: 'r2', address: r2.url, reason: 'unreachable: ECONNREFUSED' }]);
    const gone = await eventually('r2 gone', LEASE_TTL_MS + 1_000, async () => {
      const { json: replicas } = await adminGet(r1, '/monitor/replicas');
      const entry = replicas.replicas.find((replica: Json) => replica.id === 'r2');
      return entry.status === 'gone' ? entry : undefined;
    });
    expect(gone.heartbeat_age_ms).toBeGreaterThanOrEqual(LEASE_TTL_MS - 100);
  });
});
