import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { deleteKeys, OwnRedisServer, REDIS_URL, requireRedis } from '../../../../test/support/redis';
import { freePort } from '../../../../test/support/server-process';
import { mostInAnyWindow } from '../../../../test/support/rate-windows';
import { RateLimitUnavailableError } from '../exceptions/rate-limit-unavailable.exception';
import { LlmRateLimiter } from './llm-rate.limiter';
import { connectRateLimitRedis } from './rate-limit-redis.connection';
import { RateWindowLimits } from './rate-window.interface';
import { RedisRateWindow } from './redis.rate-window';

const STORE = 'Redis at test (batch.redis_url)';

/** First in the file: ioredis holds a timer of the refused connection for a moment after it. */
describe('The rate limits\' Redis at startup', () => {
  it('refuses to start when the Redis does not answer, naming the setting', async () => {
    const port = await freePort();
    await expect(connectRateLimitRedis({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'rate:', commandTimeoutMs: 300, setting: 'general.cluster.redis_url' }, ['model', 'small'])).rejects.toThrow(
      new RegExp(`^general\\.cluster\\.redis_url: Redis at redis://127\\.0\\.0\\.1:${port}/?, where the rate limits of llms\\.model, llms\\.small are kept, does not answer: `),
    );
  });
});

/** Two "processes": limiters of one LLM on two connections, meeting only in Redis. */
describe('LlmRateLimiter on Redis, shared by two connections', () => {
  if (!requireRedis('LLM rate limit', 'REDIS_URL')) return;

  const prefix = `userscope-test-rate-${randomBytes(6).toString('hex')}:`;
  const options = { url: REDIS_URL, keyPrefix: prefix, commandTimeoutMs: 2000, setting: 'batch.redis_url' };
  let connections: Redis[] = [];
  let llm = 0;

  /** A limiter of a new LLM on each of two connections. */
  const pair = (limits: Partial<RateWindowLimits>) => {
    const name = `model-${++llm}`;
    const full = { windowMs: 500, requestsPerWindow: 0, tokensPerWindow: 0, ...limits };
    return connections.map((redis) => new LlmRateLimiter(name, new RedisRateWindow(redis, prefix, name, full, STORE)));
  };

  beforeAll(async () => {
    connections = await Promise.all([connectRateLimitRedis(options, ['a']), connectRateLimitRedis(options, ['a'])]);
  });
  afterAll(async () => {
    await deleteKeys(connections[0], prefix);
    connections.forEach((redis) => redis.disconnect());
  });

  it('never lets more than requests_per_minute calls start in any window across both, and lets them all through in time', async () => {
    const limiters = pair({ requestsPerWindow: 4 });
    const starts: number[] = [];
    const began = performance.now();
    await Promise.all(Array.from({ length: 24 }, (_, i) => limiters[i % 2].acquire().then(() => starts.push(performance.now() - began))));
    // Redis's clock decides; this process sees each start after it, by a few ms, or by far more on a
    // loaded machine (a delayed event loop bunches what it sees): 150 ms of slack, where no limiter would show 24.
    expect(mostInAnyWindow(starts, 500 - 150)).toBeLessThanOrEqual(4);
    expect(mostInAnyWindow(starts, 500)).toBeGreaterThanOrEqual(4);
    // 24 calls, 4 a window: the last start is in the sixth window.
    expect(Math.max(...starts)).toBeGreaterThanOrEqual(2500 - 150);
    expect(Math.max(...starts)).toBeLessThan(4000);
  });

  it("releases a process's waiting callers in the order they came", async () => {
    const [limiter] = pair({ requestsPerWindow: 1, windowMs: 100 });
    const order: number[] = [];
    await Promise.all(Array.from({ length: 6 }, (_, i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('ends a wait when the call aborts, and the aborted call takes no slot', async () => {
    const [a, b] = pair({ requestsPerWindow: 1, windowMs: 2000 });
    await a.acquire();
    const timeout = new AbortController();
    const waited = performance.now();
    const aborted = b.acquire(timeout.signal).catch((error: Error) => error.message);
    setTimeout(() => timeout.abort(new Error('execution_timeout')), 100);
    expect(await aborted).toBe('execution_timeout');
    expect(performance.now() - waited).toBeLessThan(1000);
    const zset = await connections[0].zcard(`${prefix}llm-rate:model-${llm}:starts`);
    expect(zset).toBe(1);
  });

  it('holds calls once the window has used tokens_per_minute, counted from both, until the oldest leave it', async () => {
    const [a, b] = pair({ tokensPerWindow: 100, windowMs: 600 });
    const began = performance.now();
    await a.acquire();
    await a.addTokens(60);
    await b.acquire(); // 60 used: below the limit
    await b.addTokens(60);
    await a.acquire(); // 120 used: held until the first 60 leave the window
    expect(performance.now() - began).toBeGreaterThanOrEqual(600 - 20);
  });

  it('keeps its keys under the prefix, expiring a window after the last write', async () => {
    const [a] = pair({ requestsPerWindow: 5, tokensPerWindow: 1000, windowMs: 3000 });
    await a.acquire();
    await a.addTokens(10);
    const keys = (await connections[0].keys(`${prefix}llm-rate:model-${llm}:*`)).sort();
    expect(keys).toEqual([`${prefix}llm-rate:model-${llm}:starts`, `${prefix}llm-rate:model-${llm}:tokens`]);
    for (const key of keys) {
      const ttl = await connections[0].pttl(key);
      expect(ttl).toBeGreaterThan(2000);
      expect(ttl).toBeLessThanOrEqual(3050);
    }
  });
});

/** The limits' Redis stalls: a Redis of the test's own, paused with SIGSTOP. */
describe('LlmRateLimiter when its Redis does not answer', () => {
  if (!requireRedis('LLM rate limit outage', 'redis-server')) return;

  const dir = mkdtempSync(join(tmpdir(), 'userscope-rate-redis-'));
  let server: OwnRedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await OwnRedisServer.start(dir);
    redis = await connectRateLimitRedis({ url: server.url, keyPrefix: 'rate:', commandTimeoutMs: 300, setting: 'batch.redis_url' }, ['model']);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });



  it('fails the waiting calls with a 503 naming the store within the command timeout, then serves again', async () => {
    const limiter = new LlmRateLimiter('model', new RedisRateWindow(redis, 'rate:', 'model', { windowMs: 1000, requestsPerWindow: 10, tokensPerWindow: 0 }, STORE));
    await limiter.acquire();
    server.pause();
    const began = performance.now();
    const failure = await limiter.acquire().catch((error: unknown) => error);
    expect(performance.now() - began).toBeLessThan(1500);
    expect(failure).toBeInstanceOf(RateLimitUnavailableError);
    expect((failure as RateLimitUnavailableError).getStatus()).toBe(503);
    expect((failure as Error).message).toMatch(/^LLM 'model' was not called: its rate limit is kept in Redis at test \(batch\.redis_url\), which does not answer \(.+\)\. Retry shortly\.$/);
    server.resume();
    await expect(limiter.acquire()).resolves.toBeUndefined();
  });
});
