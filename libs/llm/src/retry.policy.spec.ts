import { LlmAuthenticationError, LlmRateLimitError, LlmServerError, LlmTimeoutError } from './exceptions/llm.exception';
import { parseRetryAfter, RetryClock, RetryPolicy } from './retry.policy';

/** A clock that records the waits instead of waiting, with a fixed jitter draw. */
function fakeClock(random = 0.5): RetryClock & { waits: number[] } {
  const waits: number[] = [];
  return { waits, random: () => random, sleep: async (ms) => void waits.push(ms) };
}

const options = { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 1000 };
const rateLimited = (retryAfterMs?: number) => new LlmRateLimitError('main', "LLM 'main' is rate limited (HTTP 429): slow down", { retryable: true, retryAfterMs, status: 429 });

describe('RetryPolicy', () => {
  it('waits an exponential backoff, jittered between half and all of it, capped at the max delay', () => {
    const low = new RetryPolicy('main', options, fakeClock(0));
    const high = new RetryPolicy('main', options, fakeClock(0.999999));
    const error = new LlmServerError('main', 'boom', { retryable: true, status: 503 });
    expect([1, 2, 3].map((retry) => low.delayBefore(retry, error))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((retry) => Math.round(high.delayBefore(retry, error)!))).toEqual([100, 200, 400]);
    const capped = new RetryPolicy('main', { ...options, maxRetries: 10 }, fakeClock(0.999999));
    expect(Math.round(capped.delayBefore(8, error)!)).toBe(1000);
  });

  it("never waits less than the server's Retry-After", () => {
    const policy = new RetryPolicy('main', options, fakeClock(0.5));
    expect(policy.delayBefore(1, rateLimited(700))).toBe(700);
    expect(policy.delayBefore(1, rateLimited(10))).toBe(75);
  });

  it('does not retry when the server asks for a wait beyond the max delay, and says so', async () => {
    const clock = fakeClock();
    const policy = new RetryPolicy('main', options, clock);
    let calls = 0;
    const error = await policy
      .run(async () => {
        calls++;
        throw rateLimited(60_000);
      })
      .catch((e: Error) => e);
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
    expect(error.message).toBe("LLM 'main' is rate limited (HTTP 429): slow down (not retried: the server asked to wait 60s, longer than llms.main.retry_max_delay)");
  });

  it('retries retryable errors until success, telling each retry', async () => {
    const clock = fakeClock(0);
    const retries: number[] = [];
    const policy = new RetryPolicy('main', options, clock, (retry) => retries.push(retry));
    let calls = 0;
    const result = await policy.run(async () => {
      if (++calls < 3) throw new LlmTimeoutError('main', 'slow', { retryable: true });
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(clock.waits).toEqual([50, 100]);
    expect(retries).toEqual([1, 2]);
  });

  it('gives up after max_retries and says how many attempts it made', async () => {
    const policy = new RetryPolicy('main', { ...options, maxRetries: 2 }, fakeClock());
    let calls = 0;
    const error = await policy.run(async () => {
      calls++;
      throw rateLimited();
    }).catch((e: LlmRateLimitError) => e);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(LlmRateLimitError);
    expect(error.attempts).toBe(3);
    expect(error.message).toMatch(/\(gave up after 3 attempts\)$/);
  });

  it('does not retry an error that a retry cannot fix (a refused key)', async () => {
    const clock = fakeClock();
    let calls = 0;
    const error = await new RetryPolicy('main', options, clock).run(async () => {
      calls++;
      throw new LlmAuthenticationError('main', 'refused', { status: 401 });
    }).catch((e: Error) => e);
    expect(calls).toBe(1);
    expect(clock.waits).toEqual([]);
    expect(error.message).toBe('refused');
  });

  it('stops retrying once the caller has aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const error = await new RetryPolicy('main', options, fakeClock()).run(async () => {
      calls++;
      controller.abort();
      throw rateLimited();
    }, controller.signal).catch((e: Error) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(LlmRateLimitError);
  });

  it('waits for real, and an abort ends the wait at once', async () => {
    const controller = new AbortController();
    const policy = new RetryPolicy('main', { maxRetries: 1, initialDelayMs: 60_000, maxDelayMs: 60_000 });
    const pending = policy.run(async () => {
      throw rateLimited();
    }, controller.signal);
    setImmediate(() => controller.abort(new Error('client went away')));
    await expect(pending).rejects.toThrow('client went away');
  });
});

describe('parseRetryAfter', () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it('reads retry-after-ms first, then Retry-After in seconds or as an HTTP date', () => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(parseRetryAfter(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfter(headers({ 'retry-after': '0.5' }))).toBe(500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), now)).toBe(3000);
  });

  it('is undefined without a usable header', () => {
    expect(parseRetryAfter(headers({}))).toBeUndefined();
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
