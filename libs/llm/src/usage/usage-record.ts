/** One LLM call's usage, as the usage API sums it: who, which LLM, which run, the tokens and their cost. */
export interface UsageRecord {
  /** When the call ended, ISO 8601 UTC. */
  at: string;
  /** The user whose request or execution made it; absent for a call outside any user's work. */
  user_id?: string;
  llm: string;
  model: string;
  /** The batch run whose execution made it. */
  run_id?: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  total_tokens: number;
  /** Integer micro-units of `currency`; 0 for an LLM without a `price`. */
  cost_micros: number;
  currency?: string;
}

/** The UTC day of a record or a time: `YYYY-MM-DD`, the unit records are kept and dropped by. */
export function usageDay(at: string | Date): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);
}
