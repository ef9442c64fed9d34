import { LlmRateLimitError, LlmRequestError, LlmServerError } from '@userscope/llm';
import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { BatchSettings } from '../config/batch-settings.config';
import { TemplateError } from '../templates/template.renderer';
import { executionRetryDelay } from './execution-retry.policy';

const settings = Object.assign(new BatchSettings(), { max_attempts: 3, retry_backoff: 0.1 });
const half = () => 0.5; // no jitter: the backoff itself

describe('executionRetryDelay', () => {
  it('backs off exponentially up to max_attempts', () => {
    const error = new Error('function failed');
    expect([1, 2, 3].map((attempts) => executionRetryDelay(error, attempts, settings, half))).toEqual([100, 200, undefined]);
  });

  it("waits at least the model server's Retry-After", () => {
    const limited = new LlmRateLimitError('main', 'slow down', { retryable: true, retryAfterMs: 2000, status: 429 });
    expect(executionRetryDelay(limited, 1, settings, half)).toBe(2000);
    const soon = new LlmRateLimitError('main', 'slow down', { retryable: true, retryAfterMs: 10, status: 429 });
    expect(executionRetryDelay(soon, 1, settings, half)).toBe(100);
  });

  it("waits at least a refusal's Retry-After (a user's owner whose lease still runs), counting the attempt", () => {
    const refusal = (retryAfter?: string) =>
      new UserscopeHttpError(HttpStatus.SERVICE_UNAVAILABLE, { code: 'owner_unresponsive', message: 'no answer' }, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
    expect(executionRetryDelay(refusal('3'), 1, settings, half)).toBe(3000);
    expect(executionRetryDelay(refusal('0'), 1, settings, half)).toBe(100);
    expect(executionRetryDelay(refusal(), 2, settings, half)).toBe(200);
    expect(executionRetryDelay(refusal('3'), 3, settings, half)).toBeUndefined();
  });

  it('leaves alone what the LLM policy retried already, what no retry fixes, and template errors', () => {
    const exhausted = new LlmServerError('main', 'down', { retryable: true, status: 503 });
    exhausted.attempts = 3;
    expect(executionRetryDelay(exhausted, 1, settings, half)).toBeUndefined();
    expect(executionRetryDelay(new LlmRequestError('main', 'bad', { status: 400 }), 1, settings, half)).toBeUndefined();
    expect(executionRetryDelay(new TemplateError('missing field'), 1, settings, half)).toBeUndefined();
  });
});
