import { IsMicroAmount } from '../config/micro-amount.decorator';
import { IsInt, IsOptional, IsString, Max, Min, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { classConfigSection } from '@userscope/runtime';

@ValidatorConstraint({ name: 'timeZone' })
class IsTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    try {
      return typeof value === 'string' && !!new Intl.DateTimeFormat('en', { timeZone: value });
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'must be an IANA time zone, e.g. UTC or Europe/Paris';
  }
}

/** A user's own limits (`PUT /api/users/{id}/limits`), in place of `general.limits`' for the keys it sets. */
export class UserLimitsOverride {
  @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) tokens_per_day?: number;
  @ApiPropertyOptional({ minimum: 1 }) @IsOptional() @IsInt() @Min(1) tokens_per_month?: number;
  @ApiPropertyOptional({ description: 'In the LLMs\' price currency, up to 6 decimals' }) @IsOptional() @IsMicroAmount() @Min(0.000001) cost_per_day?: number;
  @ApiPropertyOptional({ description: 'In the LLMs\' price currency, up to 6 decimals' }) @IsOptional() @IsMicroAmount() @Min(0.000001) cost_per_month?: number;
}

/**
 * `general.limits`: what each user may spend on the LLMs, per day and per month (calendar periods in
 * `timezone`). Before a call its worst case is reserved (prompt tokens plus `max_tokens`, or
 * `completion_estimate`), and settled with the real usage after; a call the budget cannot hold is
 * refused with 429 `budget_exceeded` until the period frees.
 */
export class UserLimitsConfig {
  @IsOptional() @IsInt() @Min(1) tokens_per_day?: number;
  @IsOptional() @IsInt() @Min(1) tokens_per_month?: number;
  /** In the LLMs' price currency (see `llms.<name>.price`). */
  @IsOptional() @IsMicroAmount() @Min(0.000001) cost_per_day?: number;
  @IsOptional() @IsMicroAmount() @Min(0.000001) cost_per_month?: number;

  /** Where days and months begin. */
  @IsString() @Validate(IsTimeZone) timezone: string = 'UTC';

  /** Completion tokens reserved for a call that sets no `max_tokens`. */
  @IsInt() @Min(1) @Max(1_000_000) completion_estimate: number = 1024;
}

export const USER_LIMITS_CONFIG_SECTION = classConfigSection('general.limits', UserLimitsConfig);

/** Whether `limits` limits anything. */
export function limitsAnything(limits: UserLimitsOverride): boolean {
  return [limits.tokens_per_day, limits.tokens_per_month, limits.cost_per_day, limits.cost_per_month].some((value) => value !== undefined);
}
