import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { BatchApi, makeUsers } from './support/batch-api';
import { CliServer, startCliServer } from './support/cli-server';
import { FakeOpenAiServer } from './support/fake-openai.server';
import { mostInAnyWindow } from './support/rate-windows';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';

/** The limit's window, shortened from a minute so that the test takes seconds. */
const WINDOW_MS = 2000;
const REQUESTS_PER_WINDOW = 5;
const USERS = 15;
const CHATS_PER_SERVER = 5;
/** Between the start Redis allowed and the arrival at the model: loopback, several processes, a loaded 2-core machine (100 ms was seen exceeded under a parallel jest run, 300 ms under CI's). Without the limit, the calls would all arrive within a few ms. */
const ARRIVAL_JITTER_MS = 500;

/** Two server processes on one Redis, both calling one rate-limited LLM as hard as they can. */
describe('llms.<name>.rate_limit across two server processes', () => {
  if (!requireRedis('LLM rate limit across processes', 'REDIS_URL')) return;

  const prefix = `userscope-test-llm-rate-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let model: FakeOpenAiServer;
  let servers: CliServer[] = [];

  beforeAll(async () => {
    await redis.connect();
    model = await FakeOpenAiServer.start();
    const env = {
      REDIS_URL,
      BATCH_KEY_PREFIX: prefix,
      FAKE_LLM_URL: model.url,
      REQUESTS_PER_MINUTE: String(REQUESTS_PER_WINDOW),
      USERSCOPE_LLM_RATE_WINDOW_MS: String(WINDOW_MS),
    };
    servers = await Promise.all([startCliServer('test/fixtures/llm-rate-limit.yml', env), startCliServer('test/fixtures/llm-rate-limit.yml', env)]);
    await new BatchApi(servers[0].url).importUsers(makeUsers(USERS, 'r'));
  }, 60_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.process.stop()));
    await model?.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('never lets more than requests_per_minute calls reach the model in any window, from batch runs and /v1 on both', async () => {
    const apis = servers.map((server) => new BatchApi(server.url));
    const began = performance.now();
    // Each server runs every user's llm node, all at once, and answers chat completions meanwhile.
    const runs = await Promise.all(apis.map((api) => api.startRun({ workflowId: 'ask', all: true, concurrency: USERS })));
    const chats = apis.flatMap((api, server) =>
      Array.from({ length: CHATS_PER_SERVER }, (_, i) =>
        api.post('/v1/chat/completions', { model: 'any', messages: [{ role: 'user', content: `chat ${i}` }] }, { cookie: `nat-session=chatter-${server}-${i}` }),
      ),
    );
    const total = 2 * USERS + 2 * CHATS_PER_SERVER;
    const finished = await Promise.all(runs.map(({ runId }, server) => apis[server].finished(runId, 30_000)));
    const replies = await Promise.all(chats);

    for (const run of finished) expect(run.progress).toMatchObject({ total: USERS, succeeded: USERS, failed: 0 });
    for (const reply of replies) expect(reply.status).toBe(200);
    expect(model.requests).toHaveLength(total);
    const arrivals = model.requests.map((request) => request.at - began);
    // Never more than the limit in a window (less the jitter of arriving), and the limit is used, not starved.
    expect(mostInAnyWindow(arrivals, WINDOW_MS - ARRIVAL_JITTER_MS)).toBeLessThanOrEqual(REQUESTS_PER_WINDOW);
    expect(mostInAnyWindow(arrivals, WINDOW_MS + ARRIVAL_JITTER_MS)).toBeGreaterThanOrEqual(REQUESTS_PER_WINDOW);
    // 40 calls at 5 a window: the last cannot arrive before the eighth window starts.
    expect(Math.max(...arrivals)).toBeGreaterThanOrEqual((total / REQUESTS_PER_WINDOW - 1) * WINDOW_MS - ARRIVAL_JITTER_MS);
    // The limit's keys are the app's: under the batch key prefix, expiring.
    const keys = await redis.keys(`${prefix}llm-rate:*`);
    expect(keys).toEqual([`${prefix}llm-rate:model:starts`]);
    expect(await redis.pttl(keys[0])).toBeLessThanOrEqual(WINDOW_MS);
  }, 60_000);
});
