import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { ExecutionRecord, NodeResult, RedisBatchStore, RunMeta } from '@userscope/batch';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';

/**
 * The Redis store's openClaim, what a queue worker reads to start a job in one round trip: the
 * run, and only while it is live or cancelled a new claim with the execution, the cancel request,
 * the user and the user's node results of earlier attempts.
 */
describe('claims of queued executions: Redis store', () => {
  if (!requireRedis('Redis execution claims', 'REDIS_URL')) return;
  const prefix = `userscope-test-claims-store-${randomBytes(6).toString('hex')}:`;
  let store: RedisBatchStore;
  const run = (id: string, status: RunMeta['status']): RunMeta => ({
    id,
    workflowId: 'w',
    workflowName: 'W',
    workflow: { id: 'w', name: 'W', nodes: [{ id: 'a' }, { id: 'b' }] } as unknown as RunMeta['workflow'],
    status,
    concurrency: 1,
    createdAt: new Date().toISOString(),
  });
  const execution = (userId: string, status: ExecutionRecord['status']): ExecutionRecord => ({ id: `e-${userId}`, userId, userName: userId, status, attempts: 0, tokens: 0, billedTokens: 0 });
  const result = (userId: string, nodeId: string): NodeResult => ({ nodeId, type: 'llm', structured: false, content: `${nodeId} of ${userId}`, tokens: 3, userName: userId, userId, durationMs: 1 });
  /** A run written with `status`, its pending execution of u1, and the user u1 in the directory. */
  const stored = async (id: string, status: RunMeta['status']) => {
    const fence = (await store.acquireLease(id, 60_000))!;
    await store.putRun(run(id, 'running'), fence);
    await store.putExecutions(id, [execution('u1', 'pending')], fence);
    if (status !== 'running') await store.putRun(run(id, status), fence);
    return fence;
  };

  beforeAll(async () => {
    store = await RedisBatchStore.connect(REDIS_URL, prefix, { commandTimeoutMs: 3000, closeTimeoutMs: 1000 });
    await store.putUsers([{ id: 'u1', name: 'User 1' }]);
  });
  afterAll(async () => {
    await store.close();
    const redis = new Redis(REDIS_URL);
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('claims a live run\'s execution with what the job needs, each claim newer than the last', async () => {
    await stored('r1', 'running');
    const first = await store.openClaim('r1', 'u1');
    expect(first.run).toMatchObject({ id: 'r1', status: 'running' });
    expect(first.claim).toEqual({ token: 1, execution: execution('u1', 'pending'), cancelRequested: false, user: { id: 'u1', name: 'User 1' }, results: [] });
    // An attempt stores node b's result; the next attempt's claim carries it, and fences the first out.
    await store.putClaimedResult('r1', result('u1', 'b'), 1);
    const second = await store.openClaim('r1', 'u1');
    expect(second.claim).toMatchObject({ token: 2, results: [result('u1', 'b')] });
    await store.putClaimedResult('r1', result('u1', 'a'), 2);
    expect((await store.openClaim('r1', 'u1')).claim!.results).toEqual([result('u1', 'a'), result('u1', 'b')]); // the workflow's order
    await expect(store.putClaimedExecution('r1', execution('u1', 'succeeded'), 1)).rejects.toThrow();
  });

  it('says a cancel is requested, and still claims a cancelled run\'s execution (to end it cancelled)', async () => {
    await stored('r2', 'running');
    expect(await store.requestCancel('r2')).toBe(true);
    expect((await store.openClaim('r2', 'u1')).claim).toMatchObject({ token: 1, cancelRequested: true });
    await stored('r3', 'cancelled');
    expect((await store.openClaim('r3', 'u1')).claim).toMatchObject({ token: 1 });
  });

  it('claims nothing for a run that has ended or does not exist; an unknown user is undefined', async () => {
    const fence = await stored('r4', 'completed');
    expect(await store.openClaim('r4', 'u1')).toEqual({ run: expect.objectContaining({ id: 'r4', status: 'completed' }) });
    expect(await store.openClaim('nothing', 'u1')).toEqual({ run: undefined });
    // Nothing was claimed above: the first claim once the run is live again is token 1.
    await store.putRun(run('r4', 'running'), fence);
    expect((await store.openClaim('r4', 'u1')).claim).toMatchObject({ token: 1 });
    expect((await store.openClaim('r4', 'nobody')).claim).toEqual({ token: 1, execution: undefined, cancelRequested: false, user: undefined, results: [] });
  });
});
