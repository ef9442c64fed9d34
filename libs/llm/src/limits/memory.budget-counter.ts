import { BudgetPeriod } from './budget.periods';
import { BudgetCounter, PeriodLimit, Refusal, Reservation } from './budget-counter.interface';
import { MemoryRateWindow } from '../rate-limit/memory.rate-window';
import { RateWindow } from '../rate-limit/rate-window.interface';
import { rateWindowMs } from '../rate-limit/llm-rate-limiter.factory';

/** Budgets in this process: one server alone. Periods that have ended are dropped as new ones begin. */
export class MemoryBudgetCounter implements BudgetCounter {
  readonly name = 'memory';
  private readonly counts = new Map<string, { tokens: number; costMicros: number; endsAt: number }>();
  private prunedAt = 0;
  private readonly windows = new Map<string, { window: MemoryRateWindow; limit: number; usedAt: number }>();

  async reserve(userId: string, limits: PeriodLimit[], tokens: number, costMicros: number): Promise<Reservation | Refusal> {
    this.prune();
    // Checked for every period first, then taken in all: all or nothing, with no await between.
    for (const limit of limits) {
      const count = this.count(userId, limit.period);
      if (limit.tokens !== undefined && count.tokens + tokens > limit.tokens) return refusal(limit.period, 'tokens', limit.tokens, count.tokens);
      if (limit.costMicros !== undefined && count.costMicros + costMicros > limit.costMicros) return refusal(limit.period, 'cost', limit.costMicros, count.costMicros);
    }
    for (const limit of limits) {
      const count = this.count(userId, limit.period);
      count.tokens += tokens;
      count.costMicros += costMicros;
    }
    return { userId, periods: limits.map((limit) => limit.period), tokens, costMicros };
  }

  async settle(reservation: Reservation, tokens: number, costMicros: number): Promise<void> {
    for (const period of reservation.periods) {
      const count = this.count(reservation.userId, period);
      count.tokens += tokens - reservation.tokens;
      count.costMicros += costMicros - reservation.costMicros;
    }
  }

  async used(userId: string, periods: BudgetPeriod[]): Promise<{ tokens: number; costMicros: number }[]> {
    return periods.map((period) => {
      const count = this.counts.get(key(userId, period));
      return { tokens: count?.tokens ?? 0, costMicros: count?.costMicros ?? 0 };
    });
  }

  requestWindow(userId: string, requestsPerMinute: number): RateWindow {
    this.prune();
    let entry = this.windows.get(userId);
    if (!entry || entry.limit !== requestsPerMinute) {
      entry = { window: new MemoryRateWindow({ windowMs: rateWindowMs(), requestsPerWindow: requestsPerMinute, tokensPerWindow: 0 }), limit: requestsPerMinute, usedAt: 0 };
      this.windows.set(userId, entry);
    }
    entry.usedAt = Date.now();
    return entry.window;
  }

  async close(): Promise<void> {}

  private count(userId: string, period: BudgetPeriod) {
    let count = this.counts.get(key(userId, period));
    if (!count) this.counts.set(key(userId, period), (count = { tokens: 0, costMicros: 0, endsAt: period.endsAt.getTime() }));
    return count;
  }

  /** At most once a minute: a pass is O(users). */
  private prune(): void {
    const now = Date.now();
    if (now - this.prunedAt < 60_000) return;
    this.prunedAt = now;
    for (const [name, count] of this.counts) if (count.endsAt <= now) this.counts.delete(name);
    // A user's window is empty a window after their last call.
    for (const [userId, entry] of this.windows) if (now - entry.usedAt > 2 * rateWindowMs()) this.windows.delete(userId);
  }
}

function key(userId: string, period: BudgetPeriod): string {
  return `${userId}\u0000${period.kind}:${period.id}`;
}

export function refusal(period: BudgetPeriod, measure: 'tokens' | 'cost', limit: number, used: number): Refusal {
  return { period, measure, limit, remaining: Math.max(0, limit - used) };
}
