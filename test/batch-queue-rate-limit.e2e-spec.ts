import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { BatchApi, makeUsers } from './support/batch-api';
import { CliWorker, startCliWorker } from './support/cli-server';
import { FakeOpenAiServer } from './support/fake-openai.server';
import { mostInAnyWindow } from './support/rate-windows';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';
import { startServer, TestServer } from './support/test-server';

const CONFIG = 'test/fixtures/llm-rate-limit.yml';
/** The limit's window, shortened from a minute so that the test takes seconds. */
const WINDOW_MS = 2000;
const REQUESTS_PER_WINDOW = 5;
const USERS = 20;
/** Between the start Redis allowed and the arrival at the model: loopback, several processes, a loaded 2-core machine (100 ms was seen exceeded under a parallel jest run, 300 ms under CI's). Without the limit, the calls would all arrive within a few ms. */
const ARRIVAL_JITTER_MS = 500;

/** An LLM's rate limit and a run's concurrency hold across BullMQ worker processes, as the model server sees it. */
describe('batch runs on BullMQ workers: llms.<name>.rate_limit across workers', () => {
  if (!requireRedis('batch queue rate limit', 'REDIS_URL')) return;

  const prefix = `userscope-test-queue-rate-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let model: FakeOpenAiServer;
  let server: TestServer;
  let workers: CliWorker[] = [];

  beforeAll(async () => {
    await redis.connect();
    model = await FakeOpenAiServer.start();
    const env = {
      REDIS_URL,
      BATCH_KEY_PREFIX: prefix,
      BATCH_QUEUE: 'bullmq',
      FAKE_LLM_URL: model.url,
      REQUESTS_PER_MINUTE: String(REQUESTS_PER_WINDOW),
      USERSCOPE_LLM_RATE_WINDOW_MS: String(WINDOW_MS),
    };
    server = await startServer(CONFIG, { ...process.env, ...env, BATCH_WORKER: 'false' });
    workers = await Promise.all([startCliWorker(CONFIG, env, 10), startCliWorker(CONFIG, env, 10)]);
    await new BatchApi(server.url).importUsers(makeUsers(USERS, 'q'));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.process.stop()));
    await server?.close();
    await model?.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('never lets more than requests_per_minute calls reach the model in any window, from two workers', async () => {
    const api = new BatchApi(server.url);
    const began = performance.now();
    const { runId } = await api.startRun({ workflowId: 'ask', all: true, concurrency: USERS });
    const run = await api.finished(runId, 30_000);
    expect(run.progress).toMatchObject({ total: USERS, succeeded: USERS, failed: 0 });
    expect(model.requests).toHaveLength(USERS);
    const arrivals = model.requests.map((request) => request.at);
    expect(mostInAnyWindow(arrivals, WINDOW_MS - ARRIVAL_JITTER_MS)).toBeLessThanOrEqual(REQUESTS_PER_WINDOW);
    // The limit was the bound, not something slower: 20 calls at 5 a window take about 3 windows.
    expect(performance.now() - began).toBeGreaterThan(2.5 * WINDOW_MS);
    expect(performance.now() - began).toBeLessThan(8 * WINDOW_MS);
  }, 60_000);

  it('retry-failed queues only the failed executions again', async () => {
    const api = new BatchApi(server.url);
    const ids = ['q001', 'q002', 'q003', 'q004'];
    // A refused request is not retried (no attempt can fix it): the two users it meets fail.
    model.fallback = (body) => (/q00[12]/.test(JSON.stringify(body.messages)) ? { status: 400, error: 'Bad request' } : { content: 'fine' });
    const { runId } = await api.startRun({ workflowId: 'ask', userIds: ids, concurrency: 4 });
    const first = await api.finished(runId, 20_000);
    expect(first.progress).toMatchObject({ succeeded: 2, failed: 2 });
    model.fallback = () => ({ content: 'fine now' });
    const before = model.requests.length;
    expect((await api.post(`/api/runs/${runId}/retry-failed`, {})).status).toBe(202);
    const retried = await api.finished(runId, 20_000);
    expect(retried.progress).toMatchObject({ succeeded: 4, failed: 0 });
    const asked = model.requests.slice(before).map((request) => JSON.stringify(request.body.messages));
    expect(asked).toHaveLength(2);
    expect(asked.filter((text) => /q00[12]/.test(text))).toHaveLength(2);
  }, 30_000);

  it("retries an execution on another attempt no sooner than the model's Retry-After", async () => {
    const api = new BatchApi(server.url);
    const before = model.requests.length;
    model.reply({ status: 429, error: 'Slow down', headers: { 'retry-after': '2' } });
    const { runId } = await api.startRun({ workflowId: 'ask', userIds: ['q000'], concurrency: 1 });
    const run = await api.finished(runId, 20_000);
    expect(run.progress).toMatchObject({ succeeded: 1 });
    const [refused, retried] = model.requests.slice(before);
    expect(model.requests.length - before).toBe(2);
    expect(retried.at - refused.at).toBeGreaterThanOrEqual(2000);
    expect(run.executions[0].attempts).toBe(2);
  }, 30_000);
});
