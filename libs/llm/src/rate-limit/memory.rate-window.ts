import { RateWindow, RateWindowLimits } from './rate-window.interface';
import { TOKEN_BUCKETS } from './rate-limit.constants';

/** A clock for the window; tests give a fake one. */
export interface RateClock {
  now(): number;
}

/**
 * One LLM's window in this process, counted as `redis.rate-window.ts`'s script counts it: call starts
 * exactly (a sliding log: no span of `windowMs` holds more than the limit), tokens in buckets of a
 * sixtieth of the window, each counted until the window has passed its end.
 */
export class MemoryRateWindow implements RateWindow {
  readonly store = 'memory';
  private readonly starts: number[] = [];
  private readonly buckets = new Map<number, number>();
  private readonly bucketMs: number;

  constructor(
    private readonly limits: RateWindowLimits,
    private readonly clock: RateClock = { now: () => performance.now() },
  ) {
    this.bucketMs = Math.max(1, Math.ceil(limits.windowMs / TOKEN_BUCKETS));
  }

  async tryStart(): Promise<number> {
    const now = this.clock.now();
    const { windowMs, requestsPerWindow, tokensPerWindow } = this.limits;
    let wait = 0;
    if (requestsPerWindow > 0) {
      while (this.starts.length > 0 && this.starts[0] <= now - windowMs) this.starts.shift();
      if (this.starts.length >= requestsPerWindow) wait = this.starts[0] + windowMs - now;
    }
    if (tokensPerWindow > 0) wait = Math.max(wait, this.tokenWait(now, tokensPerWindow));
    if (wait > 0) return Math.ceil(wait);
    if (requestsPerWindow > 0) this.starts.push(now);
    return 0;
  }

  async addTokens(tokens: number): Promise<void> {
    if (this.limits.tokensPerWindow === 0 || tokens <= 0) return;
    const bucket = Math.floor(this.clock.now() / this.bucketMs);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + tokens);
  }

  /** 0 while the live buckets hold fewer than `limit` tokens; else until enough of the oldest have passed. */
  private tokenWait(now: number, limit: number): number {
    for (const bucket of this.buckets.keys()) if (this.expiry(bucket) <= now) this.buckets.delete(bucket);
    let used = 0;
    for (const tokens of this.buckets.values()) used += tokens;
    // Buckets are kept oldest first: the clock only moves on.
    for (const [bucket, tokens] of this.buckets) {
      if (used < limit) break;
      used -= tokens;
      if (used < limit) return this.expiry(bucket) - now;
    }
    return 0;
  }

  /** When a bucket's tokens leave the window: a window after the bucket's end. */
  private expiry(bucket: number): number {
    return (bucket + 1) * this.bucketMs + this.limits.windowMs;
  }
}
