import { Logger } from '@nestjs/common';
import { RateLimitUnavailableError } from '../exceptions/rate-limit-unavailable.exception';
import { LlmMessages } from '../llm.messages';
import { RateWindow } from './rate-window.interface';

/** Waits for a timer; tests give a fake one. */
export type RateSleep = (ms: number, signal: AbortSignal) => Promise<void>;

interface Waiter {
  release(): void;
  fail(error: unknown): void;
}

/**
 * Holds one LLM's calls to its `rate_limit`: a call over the limit waits, in order of arrival, until
 * the window allows it; its AbortSignal ends the wait (rejecting with its reason). Only the first
 * waiter asks the window, so a process's callers are let through first come, first served. A window
 * that cannot answer (Redis down) fails the waiting calls with a 503 naming it, rather than hold them.
 */
export class LlmRateLimiter {
  private readonly logger = new Logger('LLMs');
  private readonly waiting: Waiter[] = [];
  private pumping = false;
  // Ends the pump's sleep once nobody waits any more.
  private idle = new AbortController();

  constructor(
    readonly llm: string,
    private readonly window: RateWindow,
    private readonly sleep: RateSleep = sleepFor,
  ) {}

  /** Resolves when this call may start; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const leave = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        if (this.waiting.length === 0) this.idle.abort();
        reject(signal!.reason);
      };
      const settle = () => signal?.removeEventListener('abort', leave);
      const waiter: Waiter = {
        release: () => (settle(), resolve()),
        fail: (error) => (settle(), reject(error)),
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.waiting.push(waiter);
      void this.pump();
    });
  }

  /** Counts a finished call's tokens. A window that cannot take them is logged, never fails the call: its reply has come. */
  async addTokens(tokens: number): Promise<void> {
    try {
      await this.window.addTokens(tokens);
    } catch (error) {
      this.logger.warn(LlmMessages.rateTokensNotCounted(this.llm, tokens, this.window.store, (error as Error).message));
    }
  }

  /** Lets the waiters through one by one, first come first, sleeping while the window is full. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        let waitMs: number;
        try {
          waitMs = await this.window.tryStart();
        } catch (error) {
          const unavailable = new RateLimitUnavailableError(this.llm, this.window.store, (error as Error).message);
          for (const waiter of this.waiting.splice(0)) waiter.fail(unavailable);
          break;
        }
        // A slot taken for a caller who left meanwhile goes to the next one (or is left unused).
        if (waitMs <= 0) this.waiting.shift()?.release();
        else if (this.waiting.length > 0) await this.sleepUnlessIdle(waitMs);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async sleepUnlessIdle(ms: number): Promise<void> {
    if (this.idle.signal.aborted) this.idle = new AbortController();
    await this.sleep(ms, this.idle.signal).catch(() => undefined);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
