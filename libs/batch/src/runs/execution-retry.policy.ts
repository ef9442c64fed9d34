import { BudgetExceededError, LlmError } from '@userscope/llm';
import { UserscopeHttpError } from '@userscope/runtime';
import { BatchSettings } from '../config/batch-settings.config';
import { TemplateError } from '../templates/template.renderer';

/**
 * When the batch tries a failed execution again, and after how long: `retry_backoff` doubled with
 * each attempt (jittered between half and one and a half of it), up to `max_attempts` attempts, and
 * never sooner than the model server's `Retry-After`, or the one of a refusal that carries it (the
 * user's owner in cluster mode did not answer: not before its lease runs out; the user's limits;
 * a dependency down). An LLM error the LLM's own policy retried
 * already (to its `max_retries`), or one no attempt can fix (a refused key, a bad request), ends the
 * execution: with the retry continuing after the nodes that succeeded, an llm node makes at most
 * `max_attempts + max_retries` model calls for a user (README, "Bounded retries").
 */
export function executionRetryDelay(
  error: unknown,
  attemptsMade: number,
  { max_attempts: maxAttempts, retry_backoff: backoffSeconds }: BatchSettings,
  random: () => number = Math.random,
): number | undefined {
  // Over a user's budget: no retry can fix it before the period ends.
  if (error instanceof TemplateError || error instanceof BudgetExceededError || attemptsMade >= maxAttempts) return undefined;
  const backoff = backoffSeconds * 1000 * 2 ** (attemptsMade - 1) * (0.5 + random());
  if (error instanceof UserscopeHttpError) return Math.max(backoff, retryAfterMs(error.headers['retry-after']));
  if (!(error instanceof LlmError)) return backoff;
  if (!error.retryable || error.attempts > 1) return undefined;
  return Math.max(backoff, error.retryAfterMs ?? 0);
}

/** A Retry-After in seconds, as ms; 0 when absent or not a number of seconds. */
function retryAfterMs(header: string | undefined): number {
  const seconds = Number(header);
  return header !== undefined && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}
