import { Injectable, Optional } from '@nestjs/common';
import { UsageLedger } from './usage/usage.ledger';
import { callScope, currentSession, runInCallScope, UserSession } from '@userscope/runtime';
import { LlmUsage } from './interfaces/llm.interface';

/** One LLM's totals since startup, for /metrics. */
export interface LlmTotals {
  prompt_tokens: number;
  completion_tokens: number;
  calls: number;
  retries: number;
}

/** The totals of one model an LLM's server answered with, for /metrics. */
export interface LlmModelTotals {
  llm: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  calls: number;
}

/** Who a call is counted for: the calling user's session, the `measure()` scopes it runs in, and the run it is for. */
export interface LlmCaller {
  session: UserSession | undefined;
  scope: UsageScope | undefined;
  runId?: string;
}

/**
 * What the work running now is counted for: a `measure()` scope counts its own calls' `usage`; a
 * `forRun()` scope counts nothing and names the batch run (`runId`, inherited by the scopes inside).
 * `parent` is the scope it runs inside.
 */
interface UsageScope {
  usage?: LlmUsage;
  runId?: string;
  parent: UsageScope | undefined;
}

/**
 * The scope of the work running now. Scopes live in the runtime's call context (`runInCallScope`), set
 * only inside `measure()` or `forRun()`: on Node 20 an AsyncLocalStorage of their own would cost every
 * promise of the process one more hook call and property.
 */
function currentScope(): UsageScope | undefined {
  return callScope() as UsageScope | undefined;
}

/**
 * Attributes every LLM call's tokens to the user whose request made it (the session's `llm` block,
 * shown by the monitor), keeps each LLM's totals for /metrics, and counts the calls of a piece of
 * work for whoever `measure()`s it. A call made outside any user's request (a shared workflow)
 * counts in the totals only.
 */
@Injectable()
export class TokenAccounting {
  private readonly totals = new Map<string, LlmTotals>();
  private readonly models = new Map<string, LlmModelTotals>();

  constructor(@Optional() private readonly ledger?: UsageLedger) {}

  /** Who a call starting now is counted for; a call captures it before its first await. */
  caller(): LlmCaller {
    const scope = currentScope();
    const runId = scope?.runId;
    return { session: currentSession(), scope, ...(runId !== undefined ? { runId } : {}) };
  }

  /** Runs `work` as part of batch run `runId`: its calls' usage records name the run. */
  forRun<T>(runId: string, work: () => T): T {
    return runInCallScope({ runId, parent: currentScope() }, work);
  }

  /** Records one call of `llm` (answered by `model`) for `caller` (by default, whoever is calling now). */
  record(llm: string, usage: LlmUsage, caller: LlmCaller = this.caller(), model = llm): void {
    const priced = this.ledger?.record(llm, model, usage, { userId: caller.session?.userId, runId: caller.runId });
    if (priced?.currency && caller.session) {
      const costs = caller.session.llm.cost_micros;
      costs[priced.currency] = (costs[priced.currency] ?? 0) + priced.cost_micros;
    }
    const totals = this.totalsOf(llm);
    totals.prompt_tokens += usage.prompt_tokens;
    totals.completion_tokens += usage.completion_tokens;
    totals.calls++;
    const key = `${llm}\u0000${model}`;
    let byModel = this.models.get(key);
    if (!byModel) this.models.set(key, (byModel = { llm, model, prompt_tokens: 0, completion_tokens: 0, calls: 0 }));
    byModel.prompt_tokens += usage.prompt_tokens;
    byModel.completion_tokens += usage.completion_tokens;
    byModel.calls++;
    for (let scope = caller.scope; scope; scope = scope.parent) if (scope.usage) add(scope.usage, usage);
    const session = caller.session;
    if (!session) return;
    session.llm.prompt_tokens += usage.prompt_tokens;
    session.llm.completion_tokens += usage.completion_tokens;
    session.llm.total_tokens += usage.prompt_tokens + usage.completion_tokens;
    session.llm.llm_calls++;
  }

  /**
   * Runs `work` and returns its value with the usage of the LLM calls made inside it: its own calls
   * only, however many other requests of the same user run at the same time.
   */
  async measure<T>(work: () => T | Promise<T>): Promise<{ value: T; usage: LlmUsage }> {
    const parent = currentScope();
    const usage: LlmUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    const value = await runInCallScope({ usage, runId: parent?.runId, parent }, work);
    return { value, usage };
  }

  /**
   * Counts `usage` of LLM calls another process made for the work running now (a user's function
   * run on the replica that owns the user) in the `measure()` scopes around it: that process has
   * counted it in its totals and the user's session already, so neither is touched here.
   */
  credit(usage: LlmUsage): void {
    for (let scope = currentScope(); scope; scope = scope.parent) if (scope.usage) add(scope.usage, usage);
  }

  recordRetry(llm: string): void {
    this.totalsOf(llm).retries++;
  }

  /** Every LLM's totals, by name. */
  byLlm(): ReadonlyMap<string, Readonly<LlmTotals>> {
    return this.totals;
  }

  /** Every LLM's totals by the model that answered (never by user: /metrics keeps a bounded set of series). */
  byModel(): Iterable<Readonly<LlmModelTotals>> {
    return this.models.values();
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

function add(sum: LlmUsage, usage: LlmUsage): void {
  sum.prompt_tokens += usage.prompt_tokens;
  sum.completion_tokens += usage.completion_tokens;
  sum.total_tokens += usage.prompt_tokens + usage.completion_tokens;
}
