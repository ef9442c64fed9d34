import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import Redis from 'ioredis';
import { TestReply, UserClient } from '@userscope/testing';
import { startCliServer, CliServer } from './support/cli-server';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';
import { parseEvents, ServerSentEvent } from './support/event-stream';

const LEASE_TTL_S = 3;

/**
 * Cluster mode, one owner per user: three `userscope serve` replicas on one Redis. Each reply of
 * the fixture names the replica that ran it; each build of a user's counter is printed.
 */
describe('cluster mode: one owner per user, forwarding, drain and failover', () => {
  if (!requireRedis('cluster ownership', 'REDIS_URL')) return;

  const prefix = `userscope-test-cluster-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const replicas: CliServer[] = [];
  const ids = ['r1', 'r2', 'r3'];
  const as = (replica: number, user: string) => new UserClient(replicas[replica].url, { cookie: `nat-session=${user}` });
  const generate = (replica: number, user: string, body: object) => as(replica, user).generate(body);
  const builds = (user: string, what = 'cluster_counter') => replicas.reduce((sum, replica) => sum + count(replica.process.printed, `${what} built for '${user}'`), 0);

  beforeAll(async () => {
    await redis.connect();
    const env = { USERSCOPE_CLUSTER_REDIS_URL: REDIS_URL, CLUSTER_KEY_PREFIX: prefix, USERSCOPE_LEASE_TTL: `${LEASE_TTL_S}s` };
    replicas.push(...(await Promise.all(ids.map((id) => startCliServer('test/fixtures/cluster.yml', { ...env, USERSCOPE_REPLICA_ID: id })))));
  }, 40_000);
  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.process.stop(2_000)));
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('builds a user once cluster-wide for 50 concurrent first requests sent to all three replicas', async () => {
    // /generate's lane is on in cluster mode (it leaves claims and forwards to the cluster's hooks).
    expect(replicas.map((replica) => replica.process.printed.includes("POST /generate goes through Fastify's route"))).toEqual([false, false, false]);
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => generate(i % 3, 'solo', { add: 1 })));
    expect(replies.map((reply) => reply.status)).toEqual(Array(50).fill(200));
    // One instance counted them all: every reply saw a different count, 1 to 50.
    expect(replies.map((reply) => reply.json.total).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const owner = replies[0].json.replica;
    expect(replies.every((reply) => reply.json.replica === owner && reply.headers.get('x-userscope-replica') === owner)).toBe(true);
    expect(builds('solo')).toBe(1);
    expect((await redis.get(`${prefix}owner:solo`))?.split(' ')[1]).toBe(owner);
  });

  it("forwards a request to the user's owner, which answers it, and streams an event stream through", async () => {
    expect((await generate(0, 'fwd', { add: 5 })).json).toEqual({ user: 'fwd', total: 5, replica: 'r1' });
    const forwarded = await generate(1, 'fwd', { add: 1 });
    expect(forwarded.json).toEqual({ user: 'fwd', total: 6, replica: 'r1' });
    expect(forwarded.headers.get('x-userscope-replica')).toBe('r1');

    const stream = await timedStream(`${replicas[2].url}/generate/stream`, { add: 1, chunks: 3, gap_ms: 400 }, 'fwd');
    expect(stream.status).toBe(200);
    expect(stream.headers['x-userscope-replica']).toBe('r1');
    expect(stream.events).toEqual([
      ...[1, 2, 3].map((chunk) => ({ event: 'message', data: { chunk, total: 7, replica: 'r1' } })),
      { event: 'end', data: {} },
    ]);
    // Relayed as it came: the first event was here while the owner was still producing the rest.
    expect(stream.endedAt - stream.firstEventAt).toBeGreaterThan(600);
    expect(builds('fwd')).toBe(1);
  });

  it("forwards a plugin's route that runs as the caller (a request-scoped controller) to the owner", async () => {
    expect((await as(0, 'tly').get('/tally')).json).toEqual({ user: 'tly', count: 1, replica: 'r1' });
    const forwarded = await as(2, 'tly').get('/tally');
    expect(forwarded.json).toEqual({ user: 'tly', count: 2, replica: 'r1' });
    expect(forwarded.headers.get('x-userscope-replica')).toBe('r1');
    expect(builds('tly', 'tally')).toBe(1);
  });

  it('never forwards a forwarded request again: the receiver that cannot claim the user answers 503', async () => {
    await generate(0, 'hop', { add: 1 });
    const reply = await as(1, 'hop').post('/generate', { add: 1 }, { 'x-userscope-forwarded-by': 'r3' });
    expect(reply.status).toBe(503);
    expect(reply.json).toMatchObject({ code: 'user_owned_elsewhere', details: { replica: 'r1' } });
    expect(Number(reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('ends a user on the replica that holds them when DELETE /monitor/users/{id} reaches another', async () => {
    await generate(0, 'gone', { add: 2 });
    const ended = await new UserClient(replicas[2].url, {}).request('/monitor/users/gone', { method: 'DELETE' });
    expect(ended.status).toBe(200);
    expect(ended.json).toMatchObject({ user_id: 'gone', ended: true, disposed: 1 });
    expect(ended.headers.get('x-userscope-replica')).toBe('r1');
    // Its lease was released with the session: the next replica asked claims the user at once.
    expect(await redis.exists(`${prefix}owner:gone`)).toBe(0);
    expect((await generate(2, 'gone', { add: 1 })).json).toEqual({ user: 'gone', total: 1, replica: 'r3' });
  });

  it('drains on SIGTERM: not ready at once, new users refused, calls in flight finish, users taken over at once', async () => {
    const r3 = replicas[2];
    expect((await generate(2, 'drn', { add: 1 })).json.replica).toBe('r3');
    const inFlight = generate(2, 'drn', { add: 1, delay_ms: 2_000 });
    await r3.process.waitForOutput(/cluster_counter call of 'drn' waits/, 5_000);
    r3.process.kill('SIGTERM');
    await r3.process.waitForOutput(/Draining: waiting for the requests in flight of 1 user/, 5_000);

    const ready = await new UserClient(r3.url, {}).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.json.checks.drain).toEqual({ status: 'down', error: expect.stringContaining("replica 'r3' is draining") });
    const newcomer = await generate(2, 'newcomer', { add: 1 });
    expect(newcomer.status).toBe(503);
    expect(newcomer.json).toMatchObject({ code: 'replica_draining', details: { replica: 'r3' } });
    expect(newcomer.headers.get('retry-after')).toBe('1');
    // Its users are still its own while it drains: another replica forwards to it, and its routes that run as the caller still do.
    expect((await generate(0, 'drn', { add: 1 })).json).toMatchObject({ total: 3, replica: 'r3' });
    expect((await as(2, 'drn').get('/tally')).json).toEqual({ user: 'drn', count: 1, replica: 'r3' });

    expect((await inFlight).json).toEqual({ user: 'drn', total: 2, replica: 'r3' });
    expect(await r3.process.exited).toBe(0);
    expect(r3.process.printed).toMatch(/Drained: the sessions ended and \d+ lease\(s\) were released/);
    // Released, not left to expire: the very first request elsewhere is served.
    const taken = await generate(0, 'drn', { add: 1 });
    expect(taken.status).toBe(200);
    expect(taken.json).toEqual({ user: 'drn', total: 1, replica: 'r1' });
  });

  it("serves the users of a replica killed with -9 elsewhere once its lease expires, within lease_ttl + 2 s", async () => {
    const r2 = replicas[1];
    expect((await generate(1, 'kil', { add: 1 })).json.replica).toBe('r2');
    r2.process.kill('SIGKILL');
    await r2.process.exited;
    const killedAt = Date.now();
    const refusals: TestReply[] = [];
    let reply = await generate(0, 'kil', { add: 1 });
    while (reply.status !== 200 && Date.now() - killedAt < (LEASE_TTL_S + 2) * 1000) {
      refusals.push(reply);
      await new Promise((resolve) => setTimeout(resolve, 100));
      reply = await generate(0, 'kil', { add: 1 });
    }
    const servedAfterMs = Date.now() - killedAt;
    expect(reply.json).toEqual({ user: 'kil', total: 1, replica: 'r1' });
    expect(servedAfterMs).toBeLessThanOrEqual((LEASE_TTL_S + 2) * 1000);
    // Until then: the owner's lease runs, it does not answer, so 503 with a Retry-After.
    expect(refusals.length).toBeGreaterThan(0);
    for (const refusal of refusals) {
      expect(refusal.status).toBe(503);
      expect(refusal.json).toMatchObject({ code: 'user_owned_elsewhere', details: { replica: 'r2' } });
      expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    console.log(`kill -9 of the owner: its user served elsewhere after ${servedAfterMs} ms (lease_ttl ${LEASE_TTL_S} s)`);
  });
});

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** An event stream read with node's client, with when its first event and its end arrived. */
function timedStream(url: string, body: unknown, user: string): Promise<{ status: number; headers: Record<string, unknown>; events: ServerSentEvent[]; firstEventAt: number; endedAt: number }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` } });
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      let firstEventAt = 0;
      response.setEncoding('utf8');
      response.on('data', (piece: string) => {
        text += piece;
        if (!firstEventAt && text.includes('\n\n')) firstEventAt = Date.now();
      });
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, events: parseEvents(text), firstEventAt, endedAt: Date.now() }));
      response.on('error', reject);
    });
    request.end(JSON.stringify(body));
  });
}
