import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { FixedLatencyModelServer } from '../bench/harness/fixed-latency-model.server';
import { BatchApi, until } from './support/batch-api';
import { CliServer, startCliServer } from './support/cli-server';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';

const USERS = 12;
const CONCURRENCY = 4;
/** The model's replies take this long: a cancel that answers sooner aborted the calls in flight rather than waiting for them. */
const SLOW_MS = 10_000;

/** Two `userscope serve` processes on one Redis; runs start on the first and are cancelled through the second. */
describe('batch cancel across servers on one Redis', () => {
  if (!requireRedis('cross-server cancel', 'REDIS_URL')) return;

  const prefix = `userscope-test-cancel-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let model: FixedLatencyModelServer;
  let holder: CliServer;
  let other: CliServer;
  let a: BatchApi;
  let b: BatchApi;
  let holderEnv: Record<string, string>;

  const key = (runId: string, part: string) => `${prefix}run:${runId}:${part}`;
  /** `userscope_batch_executions_total{status}` as one server's /metrics shows it. */
  const executionsTotal = async (api: BatchApi, status: string) => {
    const match = (await api.get('/metrics')).text.match(new RegExp(`^userscope_batch_executions_total\\{status="${status}"\\} (\\d+)$`, 'm'));
    return Number(match![1]);
  };
  /** Starts a slow run on the first server and waits until its first executions' model calls are in flight. */
  const startSlowRun = async () => {
    model.latencyMs = SLOW_MS;
    const before = { requests: model.requests, aborted: model.aborted };
    const { runId } = await a.startRun({ workflowId: 'pair', all: true, concurrency: CONCURRENCY });
    await until(() => model.requests - before.requests === CONCURRENCY, 10_000);
    return { runId, before };
  };

  beforeAll(async () => {
    await redis.connect();
    model = await FixedLatencyModelServer.start(SLOW_MS);
    const env = { BATCH_STORE: 'redis', REDIS_URL, BATCH_KEY_PREFIX: prefix, MODEL_URL: model.url };
    // The holder's lease is short, so that its death is seen soon; the other's recovery scan (every
    // lease period) stays out of the way, so that only the cancel can end a run it finds ownerless.
    holderEnv = { ...env, RUN_LEASE_TTL: '1s' };
    [holder, other] = await Promise.all([startCliServer('test/fixtures/batch-llm.yml', holderEnv), startCliServer('test/fixtures/batch-llm.yml', { ...env, RUN_LEASE_TTL: '60s' })]);
    a = new BatchApi(holder.url);
    b = new BatchApi(other.url);
    await a.importUsers(Array.from({ length: USERS }, (_, i) => ({ id: `c${i}`, name: `User ${i}` })));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([holder?.process.stop(), other?.process.stop()]);
    await model?.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('answers at once on the server not holding the run; the holder aborts its calls in flight and starts no more', async () => {
    const counted = { a: await executionsTotal(a, 'cancelled'), b: await executionsTotal(b, 'cancelled') };
    const { runId, before } = await startSlowRun();

    const sent = performance.now();
    const reply = await b.post(`/api/runs/${runId}/cancel`);
    const tookMs = performance.now() - sent;
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ id: runId, status: 'cancelled', finishedAt: expect.any(String) });
    expect(reply.json.progress).toEqual({ total: USERS, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: USERS });
    expect(tookMs).toBeLessThan(SLOW_MS / 4);

    // The calls in flight were aborted (their connections closed before a reply), and the holder gave
    // its lease back: it is working the run no more.
    await until(() => model.aborted - before.aborted === CONCURRENCY);
    await until(async () => (await redis.exists(key(runId, 'lease'))) === 0);
    expect(await redis.exists(key(runId, 'cancel'))).toBe(0);
    for (const api of [a, b]) {
      const run = (await api.get(`/api/runs/${runId}`)).json;
      expect(run.status).toBe('cancelled');
      expect(run.progress).toEqual(reply.json.progress);
    }
    expect(model.requests - before.requests).toBe(CONCURRENCY);
    // Counted once, where they were marked: the holder's 4 aborted executions and its 8 that never started.
    expect(await executionsTotal(a, 'cancelled')).toBe(counted.a + USERS);
    expect(await executionsTotal(b, 'cancelled')).toBe(counted.b);
    expect((await b.post(`/api/runs/${runId}/cancel`)).status).toBe(409);
  });

  it('a holder that missed the announcement finds the cancel at its next heartbeat', async () => {
    const { runId, before } = await startSlowRun();
    // The request as the store records it, without its pub/sub message (as if the message were lost).
    await redis.set(key(runId, 'cancel'), '1');
    const run = await b.finished(runId, 5000);
    expect(run.status).toBe('cancelled');
    expect(run.progress).toEqual({ total: USERS, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: USERS });
    await until(() => model.aborted - before.aborted === CONCURRENCY);
    await until(async () => (await redis.exists(key(runId, 'lease'))) === 0);
    expect(model.requests - before.requests).toBe(CONCURRENCY);
  });

  it('retry-failed on the server not holding the run: 409 while the run is live there; once it ended, the retry runs where it was asked', async () => {
    const { runId } = await startSlowRun();
    const refused = await b.post(`/api/runs/${runId}/retry-failed`);
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('conflict');
    expect((await b.post(`/api/runs/${runId}/cancel`)).status).toBe(200);

    model.latencyMs = 5;
    const succeeded = { a: await executionsTotal(a, 'succeeded'), b: await executionsTotal(b, 'succeeded') };
    // Right after the cancel: the holder may still be giving its lease back, which the retry waits for.
    const retry = await b.post(`/api/runs/${runId}/retry-failed`);
    expect(retry.status).toBe(202);
    const run = await a.finished(runId, 10_000);
    expect(run.status).toBe('completed');
    expect(run.progress).toMatchObject({ total: USERS, succeeded: USERS });
    expect(await executionsTotal(b, 'succeeded')).toBe(succeeded.b + USERS);
    expect(await executionsTotal(a, 'succeeded')).toBe(succeeded.a);
  });

  it('ends a run whose server died: marked cancelled in the store, resumed by nobody', async () => {
    const counted = await executionsTotal(b, 'cancelled');
    const { runId, before } = await startSlowRun();
    await holder.process.stop(0); // SIGKILL: no lease given back
    await until(async () => (await redis.exists(key(runId, 'lease'))) === 0, 5000); // its 1 s lease expired
    expect((await b.get(`/api/runs/${runId}`)).json.status).toBe('running');

    const reply = await b.post(`/api/runs/${runId}/cancel`);
    expect(reply.status).toBe(200);
    expect(reply.json.status).toBe('cancelled');
    // The executions the dead server was running are cancelled with those it never started.
    expect(reply.json.progress).toEqual({ total: USERS, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: USERS });
    await until(async () => (await redis.exists(key(runId, 'lease'))) === 0);
    expect(await redis.exists(key(runId, 'cancel'))).toBe(0);
    expect((await b.get(`/api/runs/${runId}`)).json).toEqual(reply.json);
    expect(model.requests - before.requests).toBe(CONCURRENCY); // nothing ran again
    expect(await executionsTotal(b, 'cancelled')).toBe(counted + USERS);
  });

  it('ends a run whose server died just now: the cancel takes it over once the lease expires', async () => {
    holder = await startCliServer('test/fixtures/batch-llm.yml', { ...holderEnv });
    a = new BatchApi(holder.url);
    const { runId, before } = await startSlowRun();
    await holder.process.stop(0);
    expect(await redis.exists(key(runId, 'lease'))).toBe(1); // still held by the dead server, for up to 1 s

    const reply = await b.post(`/api/runs/${runId}/cancel`);
    expect(reply.status).toBe(200);
    expect(reply.json.status).toBe('cancelled');
    expect(reply.json.progress).toEqual({ total: USERS, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: USERS });
    expect(await redis.exists(key(runId, 'cancel'))).toBe(0);
    expect(model.requests - before.requests).toBe(CONCURRENCY);
  });
});
