import { LlmError } from './exceptions/llm.exception';
import { LlmMessages } from './llm.messages';

export interface RetryOptions {
  /** Retries after the first attempt; 0 disables retrying. */
  maxRetries: number;
  /** The backoff ceiling of the first retry, in ms; it doubles with each retry. */
  initialDelayMs: number;
  /** The largest wait, in ms. A server that asks to wait longer (`Retry-After`) is not retried. */
  maxDelayMs: number;
}

/** What a policy waits with and draws jitter from; replaceable in tests. */
export interface RetryClock {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

export const SYSTEM_CLOCK: RetryClock = { sleep: abortableSleep, random: Math.random };

/**
 * When to try an LLM call again: only errors that say so (429, 5xx, timeouts, broken connections),
 * up to `maxRetries` times, waiting an exponential backoff with jitter — retry n waits between half
 * and all of `min(maxDelay, initialDelay * 2^(n-1))` — and never less than the server's
 * `Retry-After`. A `Retry-After` beyond `maxDelay` is not waited for: the error is thrown at once.
 */
export class RetryPolicy {
  constructor(
    readonly llm: string,
    readonly options: RetryOptions,
    private readonly clock: RetryClock = SYSTEM_CLOCK,
    /** Told of each retry before its wait (for metrics). */
    private readonly onRetry: (retry: number, delayMs: number, error: LlmError) => void = () => undefined,
  ) {}

  /** The wait before retry number `retry` (1-based) after `error`, in ms; undefined when not to retry. */
  delayBefore(retry: number, error: unknown): number | undefined {
    if (!(error instanceof LlmError) || !error.retryable || retry > this.options.maxRetries) return undefined;
    const { initialDelayMs, maxDelayMs } = this.options;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (retry - 1));
    const backoff = ceiling / 2 + (this.clock.random() * ceiling) / 2;
    if (error.retryAfterMs === undefined) return backoff;
    if (error.retryAfterMs > maxDelayMs) return undefined;
    return Math.max(backoff, error.retryAfterMs);
  }

  /** Runs `attempt` until it succeeds or may not be retried; throws the last error, saying how many attempts were made. */
  run<T>(attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    // The first attempt's own promise, no async frame around it: most calls succeed the first time.
    let first: Promise<T>;
    try {
      first = attempt();
    } catch (error) {
      first = Promise.reject(error);
    }
    return first.catch((error: unknown) => this.retryAfter(error, attempt, signal));
  }

  /** After attempt number 1 failed with `error`: the retries `run` promises, or the last error. */
  private async retryAfter<T>(error: unknown, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let retry = 1; ; retry++) {
      const delay = signal?.aborted ? undefined : this.delayBefore(retry, error);
      if (delay === undefined) throw this.explain(error, retry);
      this.onRetry(retry, delay, error as LlmError);
      await this.clock.sleep(delay, signal);
      try {
        return await attempt();
      } catch (next) {
        error = next;
      }
    }
  }

  /** The error as thrown at last: with the number of attempts, and why a retryable error was not retried. */
  private explain(error: unknown, attempts: number): unknown {
    if (!(error instanceof LlmError)) return error;
    error.attempts = attempts;
    if (attempts > 1) error.message += LlmMessages.gaveUp(attempts);
    else if (error.retryable && error.retryAfterMs !== undefined && error.retryAfterMs > this.options.maxDelayMs && this.options.maxRetries > 0) {
      error.message += LlmMessages.retryAfterTooLong(this.llm, Math.round(error.retryAfterMs / 100) / 10);
    }
    return error;
  }
}

/** The wait a reply asks for: `retry-after-ms` (OpenAI's), else `Retry-After` in seconds or as an HTTP date. */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
