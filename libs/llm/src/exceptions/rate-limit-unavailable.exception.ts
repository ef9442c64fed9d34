import { HttpStatus } from '@nestjs/common';
import { RequestRefusedError } from '@userscope/runtime';
import { LlmMessages } from '../llm.messages';

/** Seconds a client is told to wait: about as long as a Redis restart or failover takes. */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 5;

/**
 * The store of an LLM's `rate_limit` (the shared Redis) did not answer, so nobody can tell whether
 * the call may start: 503, try again later. The call was not made.
 */
export class RateLimitUnavailableError extends RequestRefusedError {
  constructor(readonly llm: string, readonly store: string, reason: string) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'rate_limit_unavailable', message: LlmMessages.rateLimitUnavailable(llm, store, reason), details: { llm, store } },
      { 'retry-after': String(RATE_LIMIT_RETRY_AFTER_SECONDS) },
    );
  }
}
