import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { UserFieldsRegistry } from '@userscope/runtime';
import { ResolvedLlmConfig } from '../config/llm-config.resolver';
import { LlmChatRequest, LlmUsage } from '../interfaces/llm.interface';
import { LLM_CONFIGS } from '../llm.constants';
import { countPromptTokens } from '../token.counter';
import { callCostMicros, toMicros } from '../usage/call.cost';
import { BudgetExceededError, BudgetUnavailableError, UserRateLimitedError } from './budget-exceeded.exception';
import { BudgetCounter, isRefusal, PeriodLimit, Reservation } from './budget-counter.interface';
import { budgetPeriods } from './budget.periods';
import { BUDGET_COUNTER, LIMIT_OVERRIDES, USER_LIMITS_CONFIG } from './limits.constants';
import { LimitOverrides } from './limit.overrides';
import { limitsBudget, limitsLlmCalls, UserLimitsConfig, UserLimitsOverride } from './user-limits.config';

/** What is left of one budget of a user (`UserBudget.remaining`). */
export interface BudgetRemaining {
  /** The setting: `tokens_per_day`, `tokens_per_month`, `cost_per_day`, `cost_per_month`. */
  limit: string;
  /** Tokens, or the price currency's micro-units (a millionth). */
  unit: 'tokens' | 'cost_micros';
  /** The day (`2026-12-02`) or month (`2026-12`) in `general.limits.timezone`. */
  period: string;
  resets_at: string;
  allowed: number;
  /** Used this period, reservations of calls in flight included. */
  used: number;
  remaining: number;
}

function configuresConcurrentRuns({ concurrent_runs, groups }: UserLimitsConfig): boolean {
  return concurrent_runs !== undefined || Object.values(groups?.values ?? {}).some((group) => group.concurrent_runs !== undefined);
}

/** A budget in micro-units, or none. */
function micros(amount: number | undefined): number | undefined {
  return amount === undefined ? undefined : toMicros(amount);
}

/**
 * Each user's budgets (`general.limits`), enforced around every LLM call made for a user: its worst
 * case (prompt tokens plus `max_tokens` or `completion_estimate`, priced) is reserved in all of the
 * user's periods at once, or the call is refused (429 `budget_exceeded`); afterwards the reservation
 * is replaced by what the call used. So parallel calls never overshoot by more than a call's
 * underestimate (a reply longer than its reservation).
 */
@Injectable()
export class UserBudget implements OnApplicationShutdown {
  private readonly logger = new Logger('Limits');
  private readonly prices = new Map<string, ResolvedLlmConfig['price']>();

  constructor(
    @Inject(USER_LIMITS_CONFIG) private readonly limits: UserLimitsConfig,
    @Inject(BUDGET_COUNTER) private readonly counter: BudgetCounter,
    @Inject(LIMIT_OVERRIDES) readonly overrides: LimitOverrides,
    @Inject(LLM_CONFIGS) llms: ResolvedLlmConfig[],
    @Optional() private readonly userFields?: UserFieldsRegistry,
  ) {
    for (const llm of llms) this.prices.set(llm.name, llm.price);
  }

  /** The limits of `userId`: `general.limits`, their group's over them (by a user field), and the user's own over both. */
  async limitsOf(userId: string): Promise<UserLimitsOverride> {
    const { requests_per_minute, concurrent_runs, tokens_per_day, tokens_per_month, cost_per_day, cost_per_month, groups } = this.limits;
    const value = groups ? await this.userFields?.fieldOf(userId, groups.field) : undefined;
    const group = groups && value !== undefined && value !== null && Object.hasOwn(groups.values, String(value)) ? groups.values[String(value)] : undefined;
    return { requests_per_minute, concurrent_runs, tokens_per_day, tokens_per_month, cost_per_day, cost_per_month, ...group, ...(await this.overrides.get(userId)) };
  }

  /**
   * True when nothing limits `userId`'s LLM calls and that is known without waiting (no group to
   * look up, the user's override known here): then `reserve` returns undefined, so a caller may skip
   * it. False when it limits them, or when only `reserve` can tell.
   */
  limitsNothingNow(userId: string | undefined): boolean {
    if (userId === undefined) return true;
    if (this.limits.groups) return false;
    const known = this.overrides.known(userId);
    if (!known) return false;
    const { requests_per_minute, tokens_per_day, tokens_per_month, cost_per_day, cost_per_month } = this.limits;
    // Merged as `limitsOf` merges them: an override's key replaces the setting, even with no value.
    const own = known.override ? { requests_per_minute, tokens_per_day, tokens_per_month, cost_per_day, cost_per_month, ...known.override } : this.limits;
    return !limitsLlmCalls(own);
  }

  /** Whether `general.limits` or one of its groups sets `concurrent_runs` (users' own limits aside). */
  get configuresConcurrentRuns(): boolean {
    return (this.concurrentRunsConfigured ??= configuresConcurrentRuns(this.limits));
  }

  private concurrentRunsConfigured: boolean | undefined;

  /** What `userId` has used of each period now, and their limits. */
  async status(userId: string, now = new Date()) {
    const limits = await this.limitsOf(userId);
    const periods = budgetPeriods(now, this.limits.timezone);
    const used = await this.counter.used(userId, periods);
    return { limits, periods: periods.map((period, i) => ({ kind: period.kind, id: period.id, ends_at: period.endsAt.toISOString(), used_tokens: used[i].tokens, used_cost_micros: used[i].costMicros })) };
  }

  /**
   * What is left of each of `userId`'s budgets now: one entry per limit that applies
   * (`tokens_per_day`, `cost_per_month`, ...), cost in integer micro-units. Empty without budgets.
   */
  async remaining(userId: string, now = new Date()): Promise<BudgetRemaining[]> {
    const limits = await this.limitsOf(userId);
    if (!limitsBudget(limits)) return []; // no round trip to the counter for a user without budgets
    const periods = budgetPeriods(now, this.limits.timezone);
    const used = await this.counter.used(userId, periods);
    const entries: BudgetRemaining[] = [];
    for (const [i, { kind, id, endsAt }] of periods.entries()) {
      const period = { kind, id, ends_at: endsAt.toISOString(), used_tokens: used[i].tokens, used_cost_micros: used[i].costMicros };
      const tokens = period.kind === 'day' ? limits.tokens_per_day : limits.tokens_per_month;
      const cost = micros(period.kind === 'day' ? limits.cost_per_day : limits.cost_per_month);
      const common = { period: period.id, resets_at: period.ends_at };
      if (tokens !== undefined) entries.push({ limit: `tokens_per_${period.kind}`, unit: 'tokens', ...common, allowed: tokens, used: period.used_tokens, remaining: Math.max(0, tokens - period.used_tokens) });
      if (cost !== undefined) entries.push({ limit: `cost_per_${period.kind}`, unit: 'cost_micros', ...common, allowed: cost, used: period.used_cost_micros, remaining: Math.max(0, cost - period.used_cost_micros) });
    }
    return entries;
  }

  /** Reserves the call's worst case for `userId`; undefined when nothing limits it. Throws BudgetExceededError. */
  async reserve(llm: string, request: LlmChatRequest, userId: string | undefined, now = new Date()): Promise<Reservation | undefined> {
    if (userId === undefined) return undefined;
    let own: UserLimitsOverride;
    try {
      own = await this.limitsOf(userId);
    } catch (error) {
      throw new BudgetUnavailableError(this.counter.name, (error as Error).message);
    }
    if (!limitsLlmCalls(own)) return undefined; // the common case: nothing to count, no tokenizer
    if (own.requests_per_minute !== undefined) await this.startRequest(userId, own.requests_per_minute);
    if (!limitsBudget(own)) return undefined;
    const prompt = countPromptTokens(request.messages, request.tools);
    const completion = request.maxTokens ?? this.limits.completion_estimate;
    const price = this.prices.get(llm);
    const costMicros = price ? callCostMicros({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }, price) : 0;
    const { tokens_per_day, tokens_per_month, cost_per_day, cost_per_month } = own;
    const limits: PeriodLimit[] = budgetPeriods(now, this.limits.timezone)
      .map((period) =>
        period.kind === 'day'
          ? { period, tokens: tokens_per_day, costMicros: price ? micros(cost_per_day) : undefined }
          : { period, tokens: tokens_per_month, costMicros: price ? micros(cost_per_month) : undefined },
      )
      .filter((limit) => limit.tokens !== undefined || limit.costMicros !== undefined);
    if (limits.length === 0) return undefined;
    let outcome;
    try {
      outcome = await this.counter.reserve(userId, limits, prompt + completion, costMicros);
    } catch (error) {
      throw new BudgetUnavailableError(this.counter.name, (error as Error).message);
    }
    if (isRefusal(outcome)) throw new BudgetExceededError(userId, outcome, now);
    return outcome;
  }

  /** Counts a call in the user's last minute, or refuses it (429 `rate_limited`) with when to try again. */
  private async startRequest(userId: string, requestsPerMinute: number): Promise<void> {
    let waitMs: number;
    try {
      waitMs = await this.counter.requestWindow(userId, requestsPerMinute).tryStart();
    } catch (error) {
      throw new BudgetUnavailableError(this.counter.name, (error as Error).message);
    }
    if (waitMs > 0) throw new UserRateLimitedError(userId, requestsPerMinute, waitMs);
  }

  /** Replaces a reservation by the call's real usage (none, for a call that failed before any reply). */
  async settle(llm: string, reservation: Reservation | undefined, usage: LlmUsage | undefined): Promise<void> {
    if (!reservation) return;
    const price = this.prices.get(llm);
    const tokens = usage ? usage.prompt_tokens + usage.completion_tokens : 0;
    const cost = usage && price ? callCostMicros(usage, price) : 0;
    await this.counter.settle(reservation, tokens, cost).catch((error: Error) => {
      // The reservation stays counted: the budget errs on the side of the limit.
      this.logger.warn(`A budget reservation of user '${reservation.userId}' could not be settled (${this.counter.name}: ${error.message})`);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.overrides.close();
    await this.counter.close();
  }
}
