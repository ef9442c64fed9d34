import { LlmPriceConfig } from '../config/llm-price.config';
import { callCostMicros, formatMicros } from './call.cost';

const price = (input: number, output: number, cached?: number): LlmPriceConfig => ({ input_per_million: input, output_per_million: output, cached_input_per_million: cached, currency: 'USD' });
const usage = (prompt: number, completion: number, cached = 0) => ({ prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, cached_tokens: cached });

describe('callCostMicros', () => {
  it('prices a million tokens at the price per million, in micro-units', () => {
    expect(callCostMicros(usage(1_000_000, 0), price(0.15, 0.6))).toBe(150_000);
    expect(callCostMicros(usage(0, 1_000_000), price(0.15, 0.6))).toBe(600_000);
    expect(callCostMicros(usage(1_000_000, 1_000_000), price(2.5, 10))).toBe(12_500_000);
  });

  it('rounds each call half up to a whole micro-unit, with no float drift', () => {
    expect(callCostMicros(usage(7, 0), price(0.15, 0))).toBe(1); // 1.05 micro-units
    expect(callCostMicros(usage(3, 0), price(2.5, 0))).toBe(8); // 7.5
    expect(callCostMicros(usage(1, 0), price(0.15, 0))).toBe(0); // 0.15
    // 0.1 + 0.2 in floats is 0.30000000000000004: integer micro-prices never see it.
    expect(callCostMicros(usage(10_000_000, 10_000_000), price(0.1, 0.2))).toBe(3_000_000);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += callCostMicros(usage(1234, 567), price(0.15, 0.6));
    expect(sum).toBe(100_000 * callCostMicros(usage(1234, 567), price(0.15, 0.6)));
  });

  it('bills cached prompt tokens at the cached price, or at the input price when none is set', () => {
    expect(callCostMicros(usage(1_000_000, 0, 400_000), price(0.15, 0.6, 0.075))).toBe(600_000 * 0.15 + 400_000 * 0.075);
    expect(callCostMicros(usage(1_000_000, 0, 400_000), price(0.15, 0.6))).toBe(150_000);
    expect(callCostMicros(usage(100, 0, 500), price(1, 1, 0))).toBe(0); // cached never exceeds the prompt
  });

  it('formats micro-units as a decimal amount', () => {
    expect(formatMicros(0)).toBe('0.000000');
    expect(formatMicros(1_234_567)).toBe('1.234567');
    expect(formatMicros(5)).toBe('0.000005');
  });
});

describe('llms.<name>.price validation', () => {
  it('refuses a price with more than six decimals with a clear message, exponent form included', () => {
    const { validateSync } = require('class-validator') as typeof import('class-validator');
    const { plainToInstance } = require('class-transformer') as typeof import('class-transformer');
    for (const input of [0.0000001, 1e-9, 0.1234567]) {
      const errors = validateSync(plainToInstance(LlmPriceConfig, { input_per_million: input, output_per_million: 1 }));
      expect(errors.map((error) => Object.values(error.constraints ?? {}).join())).toEqual(['must be a price per million tokens with at most 6 decimals, e.g. input_per_million: 0.15']);
    }
    expect(validateSync(plainToInstance(LlmPriceConfig, { input_per_million: 0.000001, output_per_million: 2.5 }))).toEqual([]);
  });
});
