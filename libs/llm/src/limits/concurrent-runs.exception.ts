import { HttpStatus } from '@nestjs/common';
import { RequestRefusedError } from '@userscope/runtime';

/**
 * The caller's user already has `concurrent_runs` runs in flight (`general.limits`): 429
 * `rate_limited`, not queued. When one ends is unknown, so `Retry-After` is a second.
 */
export class ConcurrentRunsExceededError extends RequestRefusedError {
  constructor(userId: string, concurrentRuns: number) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      {
        code: 'rate_limited',
        message:
          `User '${userId}' already has ${concurrentRuns} runs in flight, their concurrent_runs (general.limits); ` +
          'try again when one of them has ended.',
        details: { limit: 'concurrent_runs' },
      },
      { 'retry-after': '1', 'x-ratelimit-limit-concurrent-runs': String(concurrentRuns), 'x-ratelimit-remaining-concurrent-runs': '0' },
    );
  }
}
