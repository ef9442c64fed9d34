import { ClusterHarness, adminGet, eventually } from './support/cluster-harness';
import { parseEvents } from './support/event-stream';
import { REDIS_URL, requireRedis } from './support/redis';

jest.setTimeout(60_000);

const LEASE_TTL_MS = 6_000;
const FORWARD_TIMEOUT_MS = 1_000;
/** forward_timeout, then the /health probe (at most forward_timeout), then a Redis read; with room for a loaded machine. */
const REFUSED_WITHIN_MS = 2 * FORWARD_TIMEOUT_MS + 1_500;

type Reply = { status: number; json: any; headers: Headers; tookMs: number };

/**
 * A forwarded request to an owner that took the connection but does not answer (SIGSTOP: the
 * kernel still accepts): bounded by general.cluster.forward_timeout and a liveness probe, never
 * cutting a busy owner's long call or stream. Three real replicas of the counter fixture.
 */
describe('cluster mode: a frozen owner', () => {
  if (!requireRedis('cluster frozen owner', 'REDIS_URL')) return;

  let cluster: ClusterHarness;
  const url = (id: string) => cluster.replica(id).url;
  const call = async (id: string, user: string, body: object, path = '/generate'): Promise<Reply> => {
    const started = Date.now();
    const response = await fetch(`${url(id)}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: path === '/generate' ? JSON.parse(text) : parseEvents(text), headers: response.headers, tookMs: Date.now() - started };
  };
  const builds = (user: string, on: string) => cluster.replica(on).process.printed.split(`cluster_counter built for '${user}' on ${on}`).length - 1;

  beforeAll(async () => {
    cluster = await ClusterHarness.start({
      replicas: 3,
      config: 'test/fixtures/cluster.yml',
      env: { USERSCOPE_CLUSTER_REDIS_URL: REDIS_URL, USERSCOPE_LEASE_TTL: `${LEASE_TTL_MS}ms`, CLUSTER_FORWARD_TIMEOUT: `${FORWARD_TIMEOUT_MS}ms` },
    });
  });
  afterAll(() => cluster?.stop());

  it('waits on an owner that is busy past forward_timeout: a long call and a slow event stream come back whole', async () => {
    expect((await call('r1', 'busy', { add: 1 })).json.replica).toBe('r1');
    const long = await call('r2', 'busy', { add: 1, delay_ms: 3 * FORWARD_TIMEOUT_MS });
    expect([long.status, long.json]).toEqual([200, { user: 'busy', total: 2, replica: 'r1' }]);
    expect(long.tookMs).toBeGreaterThanOrEqual(3 * FORWARD_TIMEOUT_MS);

    const stream = await call('r3', 'busy', { add: 1, chunks: 3, gap_ms: 1.5 * FORWARD_TIMEOUT_MS }, '/generate/stream');
    expect(stream.status).toBe(200);
    expect(stream.json).toEqual([...[1, 2, 3].map((chunk) => ({ event: 'message', data: { chunk, total: 3, replica: 'r1' } })), { event: 'end', data: {} }]);
    expect(builds('busy', 'r1')).toBe(1);
  });

  it('answers 503 owner_unresponsive for a paused owner, serves the user elsewhere once its lease ran out, and the woken owner drops the user', async () => {
    const r1 = cluster.replica('r1');
    expect((await call('r1', 'frz', { add: 1 })).json).toEqual({ user: 'frz', total: 1, replica: 'r1' });
    r1.process.signal('SIGSTOP');
    const pausedAt = Date.now();

    // This one reaches the paused owner's socket: its bytes wait there for it.
    const refused = await call('r2', 'frz', { add: 1, delay_ms: 1 });
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ code: 'owner_unresponsive', details: { replica: 'r1' } });
    expect(refused.json.message).toContain("Replica 'r1', which holds user 'frz'");
    expect(refused.tookMs).toBeGreaterThanOrEqual(FORWARD_TIMEOUT_MS);
    expect(refused.tookMs).toBeLessThan(REFUSED_WITHIN_MS);
    const retryAfterS = Number(refused.headers.get('retry-after'));
    expect(retryAfterS).toBeGreaterThanOrEqual(1);
    expect(retryAfterS).toBeLessThanOrEqual(LEASE_TTL_MS / 1000);
    const refusedAt = Date.now();

    // Known unresponsive now: refused at once, not after another wait.
    const again = await call('r2', 'frz', { add: 1 });
    expect([again.status, again.json.code]).toEqual([503, 'owner_unresponsive']);
    expect(again.tookMs).toBeLessThan(FORWARD_TIMEOUT_MS);

    const served = await eventually('frz served by r2', LEASE_TTL_MS + 2_000, async () => {
      const reply = await call('r2', 'frz', { add: 1 });
      return reply.status === 200 ? reply : undefined;
    });
    // A fresh counter (memory state), by the replica asked; no later than the Retry-After said (give or take a second).
    expect(served.json).toEqual({ user: 'frz', total: 1, replica: 'r2' });
    expect(Date.now() - refusedAt).toBeLessThanOrEqual(retryAfterS * 1000 + 1_000);
    expect(Date.now() - pausedAt).toBeLessThanOrEqual(LEASE_TTL_MS + 2_000);

    r1.process.signal('SIGCONT');
    await r1.process.waitForOutput(/Lost the claim on user 'frz' to another replica; dropping the user's instances here/, 5_000);
    // (The request that waited in its socket may open a session there for a moment: its claim is refused.)
    await eventually("frz gone from r1's monitor", 2_000, async () => {
      const local = await adminGet(url('r1'), '/monitor/users?scope=local');
      return local.json.users.some((user: any) => user.user_id === 'frz') ? undefined : true;
    });
    // The request that waited in its socket is not run on the stale instances: the woken owner renews before serving.
    expect(r1.process.printed).not.toContain("cluster_counter call of 'frz' waits");
    expect((await call('r3', 'frz', { add: 1 })).json).toEqual({ user: 'frz', total: 2, replica: 'r2' });
    expect([builds('frz', 'r1'), builds('frz', 'r2'), builds('frz', 'r3')]).toEqual([1, 1, 0]);
  });
});
