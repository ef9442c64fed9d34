import { LlmPriceConfig } from '../config/llm-price.config';
import { LlmUsage } from '../interfaces/llm.interface';

/** An amount (a price per million tokens, a budget) in integer micro-units: `1.5` is 1,500,000. */
export function toMicros(amount: number): number {
  return Math.round(amount * 1_000_000);
}

/**
 * What one call's `usage` costs at `price`, in integer micro-units of the price's currency, rounded
 * half up once per call: tokens × micro-units per million stay integers well below 2^53, so no
 * float drift adds up over millions of calls, and a total is the exact sum of its calls' costs.
 */
export function callCostMicros(usage: LlmUsage, price: LlmPriceConfig): number {
  const cached = Math.min(usage.cached_tokens ?? 0, usage.prompt_tokens);
  const input = toMicros(price.input_per_million);
  const cachedInput = price.cached_input_per_million === undefined ? input : toMicros(price.cached_input_per_million);
  const perMillion = (usage.prompt_tokens - cached) * input + cached * cachedInput + usage.completion_tokens * toMicros(price.output_per_million);
  return Math.floor((perMillion + 500_000) / 1_000_000);
}

/** Micro-units as a decimal amount of the currency, for people: `1234567` → `"1.234567"`. */
export function formatMicros(costMicros: number): string {
  const sign = costMicros < 0 ? '-' : '';
  const abs = Math.abs(costMicros);
  return `${sign}${Math.floor(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`;
}
