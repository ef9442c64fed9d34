import { IsMicroAmount } from './micro-amount.decorator';
import { IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/**
 * `llms.<name>.price`: what the LLM's tokens cost, per million, in `currency`. Costs are computed in
 * integer micro-units (a millionth of the currency) from the tokens counted for each call.
 */
export class LlmPriceConfig {
  @IsMicroAmount({ message: 'must be a price per million tokens with at most 6 decimals, e.g. input_per_million: 0.15' })
  @Min(0)
  @Max(1_000_000)
  input_per_million!: number;

  @IsMicroAmount({ message: 'must be a price per million tokens with at most 6 decimals, e.g. output_per_million: 0.6' })
  @Min(0)
  @Max(1_000_000)
  output_per_million!: number;

  /** Prompt tokens read from the server's cache; at `input_per_million` when unset. */
  @IsOptional()
  @IsMicroAmount({ message: 'must be a price per million tokens with at most 6 decimals' })
  @Min(0)
  @Max(1_000_000)
  cached_input_per_million?: number;

  /** An ISO 4217 code, e.g. `USD`. */
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'must be a three-letter currency code, e.g. USD' })
  currency: string = 'USD';
}
