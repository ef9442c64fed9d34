import { HttpStatus } from '@nestjs/common';
import { RequestRefusedError } from '@userscope/runtime';
import { formatMicros } from '../usage/call.cost';
import { Refusal } from './budget-counter.interface';

/** The setting a refusal is about: `tokens_per_day`, `cost_per_month`, ... */
export function limitSetting(refusal: Refusal): string {
  return `${refusal.measure === 'tokens' ? 'tokens' : 'cost'}_per_${refusal.period.kind}`;
}

/**
 * The caller's user has not enough left of a budget (`general.limits`) for the call's worst case:
 * 429 `budget_exceeded` until the period ends, with `Retry-After` and `x-ratelimit-*` headers.
 */
export class BudgetExceededError extends RequestRefusedError {
  constructor(userId: string, refusal: Refusal, now: Date) {
    const setting = limitSetting(refusal);
    const amount = (n: number) => (refusal.measure === 'tokens' ? `${n} tokens` : formatMicros(n));
    const retryAfter = Math.max(1, Math.ceil((refusal.period.endsAt.getTime() - now.getTime()) / 1000));
    const unit = refusal.measure === 'tokens' ? 'tokens' : 'cost';
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      {
        code: 'budget_exceeded',
        message:
          `User '${userId}' has ${amount(refusal.remaining)} left of their ${setting} budget of ${amount(refusal.limit)} (general.limits), ` +
          `not enough for this call; the ${refusal.period.kind} ${refusal.period.id} ends at ${refusal.period.endsAt.toISOString()}.`,
        details: { limit: setting, period: refusal.period.id, resets_at: refusal.period.endsAt.toISOString() },
      },
      {
        'retry-after': String(retryAfter),
        [`x-ratelimit-limit-${unit}`]: refusal.measure === 'tokens' ? String(refusal.limit) : formatMicros(refusal.limit),
        [`x-ratelimit-remaining-${unit}`]: refusal.measure === 'tokens' ? String(refusal.remaining) : formatMicros(refusal.remaining),
      },
    );
  }
}

/** The budgets' store did not answer: nobody can tell whether the call fits, so it is not made (503). */
export class BudgetUnavailableError extends RequestRefusedError {
  constructor(store: string, reason: string) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'budget_unavailable', message: `The users' budgets (${store}) did not answer (${reason}); the LLM call was not made. Try again shortly.`, details: { store } },
      { 'retry-after': '5' },
    );
  }
}

/** The caller's user has started `requests_per_minute` LLM calls in the last minute: 429 `rate_limited` until one leaves it. */
export class UserRateLimitedError extends RequestRefusedError {
  constructor(userId: string, requestsPerMinute: number, waitMs: number) {
    super(
      HttpStatus.TOO_MANY_REQUESTS,
      {
        code: 'rate_limited',
        message: `User '${userId}' has started ${requestsPerMinute} LLM calls in the last minute, their requests_per_minute (general.limits); try again in ${Math.ceil(waitMs / 1000)} s.`,
        details: { limit: 'requests_per_minute' },
      },
      { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))), 'x-ratelimit-limit-requests': String(requestsPerMinute), 'x-ratelimit-remaining-requests': '0' },
    );
  }
}
