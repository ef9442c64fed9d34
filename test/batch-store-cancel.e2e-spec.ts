import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { BatchStore, MemoryBatchStore, RedisBatchStore, RunMeta } from '@userscope/batch';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';

/** The rules of cancel requests every store keeps: a request lives only while its run does. */
function cancelRequestRules(open: () => Promise<BatchStore>) {
  let store: BatchStore;
  let heard: string[];
  let announced: () => void;
  const run = (id: string, status: RunMeta['status']): RunMeta => ({
    id,
    workflowId: 'w',
    workflowName: 'W',
    workflow: { id: 'w', name: 'W', nodes: [] } as unknown as RunMeta['workflow'],
    status,
    concurrency: 1,
    createdAt: new Date().toISOString(),
  });
  const live = async (id: string) => {
    const fence = (await store.acquireLease(id, 60_000))!;
    await store.putRun(run(id, 'running'), fence);
    return fence;
  };

  beforeEach(async () => {
    store = await open();
    heard = [];
    await store.onCancelRequested((runId) => {
      heard.push(runId);
      announced();
    });
  });
  afterEach(() => store.close());

  it('records and announces a request for a live run, and drops it when the run is written ended', async () => {
    const fence = await live('r1');
    const hearing = new Promise<void>((resolve) => (announced = resolve));
    expect(await store.requestCancel('r1')).toBe(true);
    await hearing;
    expect(heard).toEqual(['r1']);
    expect(await store.isCancelRequested('r1')).toBe(true);
    await store.putRun(run('r1', 'running'), fence); // still live: kept
    expect(await store.isCancelRequested('r1')).toBe(true);
    await store.putRun(run('r1', 'cancelled'), fence);
    expect(await store.isCancelRequested('r1')).toBe(false);
  });

  it('refuses a request for a run that has ended or does not exist, recording nothing', async () => {
    const fence = await live('r2');
    await store.putRun(run('r2', 'completed'), fence);
    expect(await store.requestCancel('r2')).toBe(false);
    expect(await store.requestCancel('nothing')).toBe(false);
    expect(await store.isCancelRequested('r2')).toBe(false);
    expect(await store.isCancelRequested('nothing')).toBe(false);
  });

  it('deletes a request with its run', async () => {
    await live('r3');
    expect(await store.requestCancel('r3')).toBe(true);
    await store.deleteRun('r3');
    expect(await store.isCancelRequested('r3')).toBe(false);
  });
}

describe('cancel requests: memory store', () => {
  cancelRequestRules(async () => new MemoryBatchStore());
});

describe('cancel requests: Redis store', () => {
  if (!requireRedis('Redis cancel requests', 'REDIS_URL')) return;
  const prefix = `userscope-test-cancel-store-${randomBytes(6).toString('hex')}:`;
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    await deleteKeys(redis, prefix);
    await redis.quit();
  });
  cancelRequestRules(() => RedisBatchStore.connect(REDIS_URL, prefix, { commandTimeoutMs: 3000, closeTimeoutMs: 1000 }));
});
