import { mostInAnyWindow } from '../../../../test/support/rate-windows';
import { RateLimitUnavailableError } from '../exceptions/rate-limit-unavailable.exception';
import { LlmRateLimiter } from './llm-rate.limiter';
import { MemoryRateWindow } from './memory.rate-window';
import { RateWindow, RateWindowLimits } from './rate-window.interface';

/** A clock the test moves: sleepers wake when it passes their time, or when their signal aborts. */
class FakeClock {
  time = 0;
  private sleepers: { until: number; wake: () => void }[] = [];

  now = () => this.time;

  sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const sleeper = { until: this.time + ms, wake: resolve };
      this.sleepers.push(sleeper);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });

  /** Lets what is pending run, then moves on by `ms` in steps of 1 ms, letting what wakes run at each. */
  async advance(ms: number): Promise<void> {
    await flush();
    for (let step = 0; step < ms; step++) {
      this.time++;
      const due = this.sleepers.filter((sleeper) => sleeper.until <= this.time);
      this.sleepers = this.sleepers.filter((sleeper) => sleeper.until > this.time);
      for (const sleeper of due) sleeper.wake();
      await flush();
    }
  }
}

/** Lets every promise that can settle now settle. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function limiterWith(limits: Partial<RateWindowLimits>, clock: FakeClock): LlmRateLimiter {
  const window = new MemoryRateWindow({ windowMs: 1000, requestsPerWindow: 0, tokensPerWindow: 0, ...limits }, clock);
  return new LlmRateLimiter('model', window, clock.sleep);
}

describe('LlmRateLimiter in memory', () => {
  it('lets at most requests_per_minute calls start in any window, and the rest as the window moves on', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith({ requestsPerWindow: 3 }, clock);
    const starts: number[] = [];
    // 10 callers at once, then 5 more a little later, each starting when let through.
    const calls = Array.from({ length: 10 }, () => limiter.acquire().then(() => starts.push(clock.time)));
    await flush();
    expect(starts).toEqual([0, 0, 0]);
    await clock.advance(400);
    calls.push(...Array.from({ length: 5 }, () => limiter.acquire().then(() => starts.push(clock.time))));
    await clock.advance(5000);
    await Promise.all(calls);
    expect(starts).toHaveLength(15);
    expect(mostInAnyWindow(starts, 1000)).toBe(3);
    expect(starts).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000, 3000, 3000, 4000, 4000, 4000]);
  });

  it('releases waiting callers in the order they came', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith({ requestsPerWindow: 1 }, clock);
    const order: number[] = [];
    const calls = Array.from({ length: 6 }, (_, i) => limiter.acquire().then(() => order.push(i)));
    await clock.advance(6000);
    await Promise.all(calls);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("ends a caller's wait when its signal aborts, with the signal's reason, and gives its turn to the next", async () => {
    const clock = new FakeClock();
    const limiter = limiterWith({ requestsPerWindow: 1 }, clock);
    await limiter.acquire();
    const timeout = new AbortController();
    const aborted = limiter.acquire(timeout.signal).then(
      () => 'started',
      (error: Error) => error.message,
    );
    const next = limiter.acquire().then(() => clock.time);
    await clock.advance(300);
    timeout.abort(new Error('function_timeout'));
    expect(await aborted).toBe('function_timeout');
    await clock.advance(800);
    expect(await next).toBe(1000);
    // An already aborted signal never waits.
    const gone = new AbortController();
    gone.abort(new Error('cancelled'));
    await expect(limiter.acquire(gone.signal)).rejects.toThrow('cancelled');
  });

  it('holds calls while the window has used tokens_per_minute, and lets one through as soon as it is below', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith({ tokensPerWindow: 100, windowMs: 6000 }, clock);
    await limiter.acquire();
    await limiter.addTokens(60);
    await clock.advance(1000);
    await limiter.acquire(); // 60 used: below the limit
    await limiter.addTokens(60); // 120: over it, by this call's tokens
    let started = -1;
    const held = limiter.acquire().then(() => (started = clock.time));
    await clock.advance(5000);
    expect(started).toBe(-1);
    // The first call's 60 tokens leave the window a window after their bucket (of 100 ms) ends.
    await clock.advance(1200);
    await held;
    expect(started).toBe(6100);
  });

  it('does not hold calls of an LLM whose limit is not reached', async () => {
    const clock = new FakeClock();
    const limiter = limiterWith({ requestsPerWindow: 100, tokensPerWindow: 1_000_000 }, clock);
    const calls = Array.from({ length: 50 }, () => limiter.acquire().then(() => limiter.addTokens(30)));
    await Promise.all(calls);
    expect(clock.time).toBe(0);
  });
});

describe('LlmRateLimiter on a window that cannot answer', () => {
  it('fails every waiting call with a 503 naming the LLM and the store, instead of holding them', async () => {
    let answers = 1;
    const window: RateWindow = {
      store: 'Redis at redis://cache:6379 (batch.redis_url)',
      tryStart: async () => {
        if (answers-- > 0) return 1000;
        throw new Error('Command timed out');
      },
      addTokens: async () => {
        throw new Error('Command timed out');
      },
    };
    const limiter = new LlmRateLimiter('model', window, async () => undefined);
    const failures = await Promise.all([limiter.acquire(), limiter.acquire()].map((call) => call.catch((error: unknown) => error)));
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(RateLimitUnavailableError);
      const error = failure as RateLimitUnavailableError;
      expect(error.getStatus()).toBe(503);
      expect(error.headers['retry-after']).toBe('5');
      expect(error.body).toMatchObject({ code: 'rate_limit_unavailable', details: { llm: 'model', store: window.store } });
      expect(error.message).toBe(
        "LLM 'model' was not called: its rate limit is kept in Redis at redis://cache:6379 (batch.redis_url), which does not answer (Command timed out). Retry shortly.",
      );
    }
    // A finished call's tokens that cannot be counted do not fail it.
    await expect(limiter.addTokens(10)).resolves.toBeUndefined();
  });
});
