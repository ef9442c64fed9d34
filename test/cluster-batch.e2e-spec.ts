import { randomBytes, randomUUID } from 'node:crypto';
import { InternalCallSignature, INVOCATION_CONTENT_TYPE, invocationPath, TIMESTAMP_HEADER } from '@userscope/cluster';
import { BatchApi, until } from './support/batch-api';
import { ClusterHarness, generate } from './support/cluster-harness';
import { HaproxyProcess, requireHaproxy } from './support/haproxy';
import { deleteKeys, requireRedis } from './support/redis';

const CONFIG = 'test/fixtures/cluster-batch.yml';
const LEASE_TTL_S = 2;
const FORWARD_TIMEOUT_S = 1;
const SECRET = randomBytes(32).toString('hex');

/** A user of the batch directory; `delay` (ms), `tokens` and `fail: yes` steer the fixture's tally. */
const user = (id: string, fields: { delay?: number; tokens?: number; fail?: boolean } = {}) => ({
  id,
  name: `User ${id}`,
  delay: String(fields.delay ?? ''),
  tokens: String(fields.tokens ?? ''),
  fail: fields.fail ? 'yes' : '',
});

/**
 * Batch runs in cluster mode: three `userscope serve` replicas on one Redis (leases and batch store
 * `redis`), each printing every build and call of a user's tally with the replica it ran on. A run
 * started on r1 for users other replicas own calls their functions on those owners.
 */
describe('cluster mode: a batch run calls each user’s functions on the user’s owner', () => {
  if (!requireRedis('cluster batch', 'REDIS_URL')) return;

  const batchPrefix = `userscope-test:cluster-batch:${randomUUID()}:`;
  let cluster: ClusterHarness;
  const url = (id: string) => cluster.replica(id).url;
  const api = (id: string) => new BatchApi(url(id));
  const printed = () => cluster.replicas.map((replica) => replica.process.printed).join('\n');
  const lines = (pattern: RegExp) => printed().split('\n').filter((line) => pattern.test(line));
  /** Claims `users` on replica `id`: each one's first interactive call. */
  const claimOn = async (id: string, users: string[]) => {
    for (const name of users) {
      const reply = await generate(url(id), name, {});
      expect([reply.status, reply.replica, JSON.parse(reply.text)]).toEqual([200, id, { user: name, count: 1, by: 'interactive', replica: id }]);
    }
  };
  const results = async (runId: string) => new Map<string, any>((await api('r1').get(`/api/runs/${runId}/results`)).json.users.map((u: any) => [u.userId, u]));
  const node = (results: any, nodeId: string) => results.nodes.find((n: any) => n.nodeId === nodeId);

  beforeAll(async () => {
    const env = { USERSCOPE_CLUSTER_SECRET: SECRET, BATCH_KEY_PREFIX: batchPrefix, USERSCOPE_ADMIN_TOKEN: '', CLUSTER_FORWARD_TIMEOUT: `${FORWARD_TIMEOUT_S}s` };
    cluster = await ClusterHarness.start({ replicas: 3, config: CONFIG, leaseTtl: `${LEASE_TTL_S}s`, env });
  }, 40_000);
  afterAll(async () => {
    if (cluster?.redis.status === 'ready') await deleteKeys(cluster.redis, batchPrefix);
    await cluster?.stop();
  });

  it("runs every per-user call on the user's owner, as the user, once; results, tokens and errors as if local; the run's lease holds", async () => {
    await claimOn('r2', ['b1', 'b2', 'b3', 'b4']);
    await claimOn('r3', ['c1', 'c2']);
    const users = [
      ...['b1', 'b2', 'b3', 'c1', 'c2', 'a1', 'a2'].map((id) => user(id, { delay: 500, tokens: 7 })),
      user('b4', { tokens: 7, fail: true }),
    ];
    await api('r1').importUsers(users);
    // Two at a time, 500 ms each: the run outlives its 1 s lease twice over, renewed by r1 alone.
    const { runId } = await api('r1').startRun({ workflowId: 'tally', userIds: users.map((u) => u.id), concurrency: 2 });
    await until(async () => (await api('r3').get(`/api/runs/${runId}`)).json.status === 'running');
    expect((await api('r3').post(`/api/runs/${runId}/retry-failed`)).status).toBe(409);
    const run = await api('r1').finished(runId, 20_000);
    expect(run.progress).toMatchObject({ total: 8, succeeded: 7, failed: 1 });

    const byUser = await results(runId);
    const owners: Record<string, string> = { b1: 'r2', b2: 'r2', b3: 'r2', c1: 'r3', c2: 'r3', a1: 'r1', a2: 'r1' };
    for (const [id, owner] of Object.entries(owners)) {
      const mine = byUser.get(id)!;
      // Their second call (after the interactive first) for those another replica owned; a free user is claimed by r1.
      expect(node(mine, 'count').content).toEqual({ user: id, count: owner === 'r1' ? 1 : 2, by: 'batch', replica: owner });
      // A shared function runs as the user too, on the owner.
      expect(node(mine, 'who').content).toEqual({ user: id, replica: owner });
      expect(mine.nodes.map((n: any) => n.nodeId)).toEqual(['count', 'who', 'report']);
      expect([node(mine, 'count').tokens, mine.tokens]).toEqual([7, 7]);
    }
    // The function's own error, retried as a local one is, each attempt's tokens billed.
    expect(byUser.get('b4')).toMatchObject({ status: 'failed', error: "tally refused for 'b4'", billedTokens: 21 });
    expect(run.executions.find((e: any) => e.userId === 'b4').attempts).toBe(3);
    expect((await api('r1').get(`/api/runs/${runId}/analytics`)).json.totalTokens).toBe(7 * 7 + 7);

    // One build per user cluster-wide, and one batch call: no replica took the run over.
    for (const id of [...Object.keys(owners), 'b4']) expect(lines(new RegExp(`cluster_tally built for '${id}'`))).toHaveLength(1);
    for (const id of Object.keys(owners)) expect(lines(new RegExp(`cluster_tally call \\d+ of '${id}' by batch`))).toHaveLength(1);
    expect(printed()).not.toMatch(/Resuming run/);

    // The user's next interactive request, at any replica, continues the same sequence on the owner.
    const next = await generate(url('r1'), 'b1', {});
    expect(JSON.parse(next.text)).toEqual({ user: 'b1', count: 3, by: 'interactive', replica: 'r2' });
    expect(lines(/cluster_tally call \d+ of 'b1' by/)).toEqual([
      expect.stringMatching(/call 1 of 'b1' by interactive on r2/),
      expect.stringMatching(/call 2 of 'b1' by batch on r2/),
      expect.stringMatching(/call 3 of 'b1' by interactive on r2/),
    ]);
    // The owner counted the tokens for the user it serves.
    const monitored: any = await fetch(`${url('r2')}/monitor/users`).then((response) => response.json());
    expect(monitored.users.find((entry: any) => entry.user_id === 'b1')).toMatchObject({ replica: 'r2', llm: { total_tokens: 7 } });
  });

  it('refuses a forged internal call: 401 unsigned, 403 wrongly signed, stale or replayed; the route is not in the OpenAPI document', async () => {
    await claimOn('r2', ['sig']);
    const path = invocationPath('sig', 'tally');
    const body = JSON.stringify({ input: { by: 'peer' } });
    const call = (headers: Record<string, string>, to = 'r2') =>
      fetch(`${url(to)}${path}`, { method: 'POST', headers: { 'content-type': INVOCATION_CONTENT_TYPE, ...headers }, body }).then(async (r) => ({ status: r.status, json: await r.json() }));

    expect(await call({})).toEqual({ status: 401, json: { code: 'cluster_call_unsigned', message: expect.stringContaining('carries no signature') } });
    const forged = new InternalCallSignature('not-the-secret-of-this-cluster-at-all').sign('POST', path, body);
    expect(await call(forged)).toMatchObject({ status: 403, json: { code: 'cluster_call_refused', message: expect.stringContaining('signature does not match') } });
    const stale = new InternalCallSignature(SECRET).sign('POST', path, body, Date.now() - 60_000);
    expect(await call(stale)).toMatchObject({ status: 403, json: { code: 'cluster_call_refused', message: expect.stringContaining("off this replica's clock") } });
    const retimed = { ...new InternalCallSignature(SECRET).sign('POST', path, body, Date.now() - 60_000), [TIMESTAMP_HEADER]: String(Date.now()) };
    expect((await call(retimed)).status).toBe(403);
    expect(lines(/of 'sig' by peer/)).toEqual([]);

    // Signed with the cluster's secret, it runs as the user on their owner; the same call again is refused.
    const signed = new InternalCallSignature(SECRET).sign('POST', path, body);
    expect(await call(signed)).toEqual({ status: 200, json: { output: { user: 'sig', count: 2, by: 'peer', replica: 'r2' }, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } } });
    expect(await call(signed)).toMatchObject({ status: 403, json: { message: expect.stringContaining('received already') } });
    // Replayed to another replica within its window: refused there too (the nonces are remembered in Redis, cluster-wide).
    for (const other of ['r1', 'r3']) expect(await call(signed, other)).toMatchObject({ status: 403, json: { code: 'cluster_call_refused', message: expect.stringContaining('received already') } });
    const replayedFirstElsewhere = new InternalCallSignature(SECRET).sign('POST', path, body);
    expect((await call(replayedFirstElsewhere, 'r3')).status).toBe(503); // r3 does not own 'sig': user_owned_elsewhere, the nonce used
    expect(await call(replayedFirstElsewhere)).toMatchObject({ status: 403, json: { message: expect.stringContaining('received already') } });
    expect(lines(/of 'sig' by peer/)).toHaveLength(1);

    const document: any = await fetch(`${url('r1')}/openapi.json`).then((response) => response.json());
    expect(Object.keys(document.paths).filter((p) => p.startsWith('/internal'))).toEqual([]);
  });

  describe('behind deploy/haproxy.cfg', () => {
    if (!requireHaproxy('cluster batch, behind the proxy')) return;

    it("does not pass a client's call of the internal route on to a replica", async () => {
      const proxy = await HaproxyProcess.start(cluster.replicas.map((replica) => replica.hostPort));
      try {
        const path = invocationPath('sig', 'tally');
        const body = JSON.stringify({ input: {} });
        const signed = new InternalCallSignature(SECRET).sign('POST', path, body);
        const response = await fetch(`${proxy.url}${path}`, { method: 'POST', headers: { 'content-type': INVOCATION_CONTENT_TYPE, ...signed }, body });
        expect([response.status, await response.json()]).toEqual([404, { code: 'not_found', message: 'No such route.' }]);
        expect((await generate(proxy.url, 'sig', {})).status).toBe(200); // the rest goes through
      } finally {
        await proxy.stop();
      }
    });
  });

  it("aborts the owner's call when the run is cancelled: the request is dropped, the owner aborts the function", async () => {
    await claimOn('r2', ['x1', 'x2']);
    await api('r1').importUsers([user('x1', { delay: 8_000 }), user('x2', { delay: 8_000 })]);
    const { runId } = await api('r1').startRun({ workflowId: 'tally', userIds: ['x1', 'x2'], concurrency: 2 });
    const r2 = cluster.replica('r2').process;
    await Promise.all(['x1', 'x2'].map((id) => r2.waitForOutput(new RegExp(`cluster_tally call of '${id}' waits 8000 ms on r2`), 5_000)));
    const cancelled = await api('r3').post(`/api/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(200);
    await Promise.all(['x1', 'x2'].map((id) => r2.waitForOutput(new RegExp(`cluster_tally call of '${id}' aborted on r2`), 3_000)));
    const run = await api('r1').finished(runId, 5_000);
    expect(run.status).toBe('cancelled');
    expect(run.executions.map((e: any) => e.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('fails the calls to an owner frozen mid-run (SIGSTOP) after forward_timeout, 503 owner_unresponsive, and the retries serve its users elsewhere', async () => {
    const frozen = ['f1', 'f2'];
    await claimOn('r3', frozen);
    await api('r1').importUsers(frozen.map((id) => user(id, { delay: 1_500 })));
    const { runId } = await api('r1').startRun({ workflowId: 'tally', userIds: frozen, concurrency: 2 });
    const r3 = cluster.replica('r3').process;
    await Promise.all(frozen.map((id) => r3.waitForOutput(new RegExp(`cluster_tally call of '${id}' waits`), 5_000)));
    r3.signal('SIGSTOP');
    const frozenAt = Date.now();
    try {
      const run = await api('r1').finished(runId, 15_000);
      const doneAfterMs = Date.parse(run.finishedAt) - frozenAt;
      expect(run.progress).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
      const byUser = await results(runId);
      for (const id of frozen) {
        // r3's count lived in its memory: built again on r1 once r3's lease had run out.
        expect(node(byUser.get(id)!, 'count').content).toEqual({ user: id, count: 1, by: 'batch', replica: 'r1' });
        // The first attempt failed (owner_unresponsive: the client's spec shows the code) and its retry waited for the lease.
        expect(run.executions.find((e: any) => e.userId === id).attempts).toBe(2);
      }
      // forward_timeout, the /health probe (at most forward_timeout), the lease's rest (Retry-After), the 1.5 s call again; room for a loaded machine.
      expect(doneAfterMs).toBeLessThan((2 * FORWARD_TIMEOUT_S + LEASE_TTL_S + 1.5 + 2) * 1000);
      console.log(`SIGSTOP of the owner mid-run: its users' executions done ${doneAfterMs} ms after (forward_timeout ${FORWARD_TIMEOUT_S} s, lease_ttl ${LEASE_TTL_S} s, calls of 1.5 s)`);
    } finally {
      r3.signal('SIGCONT');
    }
    await Promise.all(frozen.map((id) => r3.waitForOutput(new RegExp(`Lost the claim on user '${id}' to another replica`), 5_000)));
  });

  it("serves the users of an owner killed with -9 mid-run elsewhere once its lease has run out, each (user, node) once", async () => {
    const doomed = ['k1', 'k2', 'k3', 'k4'];
    await claimOn('r2', doomed);
    await claimOn('r3', ['m1']);
    await api('r1').importUsers([...doomed, 'm1'].map((id) => user(id, { delay: 1_500 })));
    const { runId } = await api('r1').startRun({ workflowId: 'tally', userIds: [...doomed, 'm1'], concurrency: 5 });
    const r2 = cluster.replica('r2').process;
    await Promise.all(doomed.map((id) => r2.waitForOutput(new RegExp(`cluster_tally call of '${id}' waits`), 5_000)));
    r2.kill('SIGKILL');
    await r2.exited;
    const killedAt = Date.now();

    const run = await api('r1').finished(runId, 15_000);
    const recoveredAfterMs = Date.parse(run.finishedAt) - killedAt;
    expect(run.progress).toMatchObject({ total: 5, succeeded: 5, failed: 0 });
    const byUser = await results(runId);
    for (const id of doomed) {
      const mine = byUser.get(id)!;
      // Built again on r1 (the state lived in r2's memory alone), once the lease r2 held had expired.
      expect(node(mine, 'count').content).toEqual({ user: id, count: 1, by: 'batch', replica: 'r1' });
      expect(mine.nodes.map((n: any) => n.nodeId)).toEqual(['count', 'who', 'report']);
      expect(run.executions.find((e: any) => e.userId === id).attempts).toBe(2);
      expect(lines(new RegExp(`cluster_tally call \\d+ of '${id}' by batch`))).toEqual([expect.stringMatching(/on r1$/)]);
    }
    expect(node(byUser.get('m1'), 'count').content).toEqual({ user: 'm1', count: 2, by: 'batch', replica: 'r3' });
    // The retry waited for the lease (at most lease_ttl), then the 1.5 s call ran again.
    expect(recoveredAfterMs).toBeLessThan((LEASE_TTL_S + 1.5 + 2) * 1000);
    console.log(`kill -9 of the owner mid-run: its users' executions done ${recoveredAfterMs} ms after (lease_ttl ${LEASE_TTL_S} s, calls of 1.5 s)`);
  });
});
