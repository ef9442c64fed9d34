import { Injectable } from '@nestjs/common';
import { currentSession, UserSession } from '@userscope/runtime';
import { LlmUsage } from './interfaces/llm.interface';

/** One LLM's totals since startup, for /metrics. */
export interface LlmTotals {
  prompt_tokens: number;
  completion_tokens: number;
  calls: number;
  retries: number;
}

/**
 * Attributes every LLM call's tokens to the user whose request made it (the session's `llm` block,
 * shown by the monitor), and keeps each LLM's totals for /metrics. A call made outside any user's
 * request (a shared workflow) counts in the totals only.
 */
@Injectable()
export class TokenAccounting {
  private readonly totals = new Map<string, LlmTotals>();

  /** Records one call of `llm`; `session` defaults to the calling user's. */
  record(llm: string, usage: LlmUsage, session: UserSession | undefined = currentSession()): void {
    const totals = this.totalsOf(llm);
    totals.prompt_tokens += usage.prompt_tokens;
    totals.completion_tokens += usage.completion_tokens;
    totals.calls++;
    if (!session) return;
    session.llm.prompt_tokens += usage.prompt_tokens;
    session.llm.completion_tokens += usage.completion_tokens;
    session.llm.total_tokens += usage.prompt_tokens + usage.completion_tokens;
    session.llm.llm_calls++;
  }

  recordRetry(llm: string): void {
    this.totalsOf(llm).retries++;
  }

  /** Every LLM's totals, by name. */
  byLlm(): ReadonlyMap<string, Readonly<LlmTotals>> {
    return this.totals;
  }

  private totalsOf(llm: string): LlmTotals {
    let totals = this.totals.get(llm);
    if (!totals) {
      totals = { prompt_tokens: 0, completion_tokens: 0, calls: 0, retries: 0 };
      this.totals.set(llm, totals);
    }
    return totals;
  }
}
