import { BudgetPeriod } from './budget.periods';
import { RateWindow } from '../rate-limit/rate-window.interface';

/** One period's limits for a user: tokens and cost (integer micro-units), either may be absent. */
export interface PeriodLimit {
  period: BudgetPeriod;
  tokens?: number;
  costMicros?: number;
}

/** What a reservation took, per period, to be settled once the call's real usage is known. */
export interface Reservation {
  userId: string;
  periods: BudgetPeriod[];
  tokens: number;
  costMicros: number;
}

/** A refused reservation: the first period it would take over its limit, and what that period has left. */
export interface Refusal {
  period: BudgetPeriod;
  measure: 'tokens' | 'cost';
  limit: number;
  remaining: number;
}

/**
 * A user's usage per period, counted where every process sees it (memory, or Redis). `reserve`
 * takes a call's worst case in one atomic step across its periods, or nothing; `settle` replaces it
 * with what the call used.
 */
export interface BudgetCounter {
  readonly name: string;
  reserve(userId: string, limits: PeriodLimit[], tokens: number, costMicros: number): Promise<Reservation | Refusal>;
  settle(reservation: Reservation, tokens: number, costMicros: number): Promise<void>;
  /** The window counting `userId`'s LLM calls against `requestsPerMinute` (kept where the budgets are). */
  requestWindow(userId: string, requestsPerMinute: number): RateWindow;
  /** What the user has used in each period (reservations in flight included). */
  used(userId: string, periods: BudgetPeriod[]): Promise<{ tokens: number; costMicros: number }[]>;
  close(): Promise<void>;
}

export function isRefusal(outcome: Reservation | Refusal): outcome is Refusal {
  return 'measure' in outcome;
}
