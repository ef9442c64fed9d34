import { IsMicroAmount } from '../config/micro-amount.decorator';
import { IsInt, IsOptional, IsString, Max, Min, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ConfigSection, isMapping, validateConfigSection } from '@userscope/runtime';

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
  @ApiPropertyOptional({ minimum: 1, description: 'LLM calls the user may start in any 60 s' }) @IsOptional() @IsInt() @Min(1) requests_per_minute?: number;
  @ApiPropertyOptional({ minimum: 1, description: "The user's runs (workflow requests and batch executions) in flight at once" }) @IsOptional() @IsInt() @Min(1) concurrent_runs?: number;
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
  /** LLM calls a user may start in any 60 s (every process on the shared Redis together). */
  @IsOptional() @IsInt() @Min(1) requests_per_minute?: number;
  /**
   * A user's runs in flight at once (every process on the shared Redis together): a request of the
   * workflow (`/generate`, `/chat`, `/v1/chat/completions`, `/v1/responses`, streamed or not) or a batch
   * execution of the user. Beyond it a run is refused (429 `rate_limited`), not queued.
   */
  @IsOptional() @IsInt() @Min(1) concurrent_runs?: number;
  @IsOptional() @IsInt() @Min(1) tokens_per_day?: number;
  @IsOptional() @IsInt() @Min(1) tokens_per_month?: number;
  /** In the LLMs' price currency (see `llms.<name>.price`). */
  @IsOptional() @IsMicroAmount() @Min(0.000001) cost_per_day?: number;
  @IsOptional() @IsMicroAmount() @Min(0.000001) cost_per_month?: number;

  /** Where days and months begin. */
  @IsString() @Validate(IsTimeZone) timezone: string = 'UTC';

  /** Completion tokens reserved for a call that sets no `max_tokens`. */
  @IsInt() @Min(1) @Max(1_000_000) completion_estimate: number = 1024;

  /**
   * Limits by a field of the user in the users directory: `{ field: plan, values: { free: {...}, pro: {...} } }`.
   * A user's group's limits apply over the defaults above, and the user's own (the API's) over both.
   */
  groups?: LimitGroups;
}

/** `general.limits.groups`: limits by the value of one user field. */
export interface LimitGroups {
  /** A dotted path in the user's fields, e.g. `plan` or `billing.tier`. */
  field: string;
  values: Record<string, UserLimitsOverride>;
}

/** `general.limits`, its `groups` checked entry by entry, each problem under its own path. */
export const USER_LIMITS_CONFIG_SECTION: ConfigSection<UserLimitsConfig> = {
  key: 'general.limits',
  check(value, context) {
    if (value === undefined || value === null) return new UserLimitsConfig();
    if (!isMapping(value)) {
      context.issues.push({ path: 'general.limits', message: 'must be a mapping' });
      return new UserLimitsConfig();
    }
    const { groups, ...settings } = value;
    const limits = validateConfigSection(UserLimitsConfig, settings, 'general.limits', context.issues);
    if (groups === undefined || groups === null) return limits;
    const path = 'general.limits.groups';
    if (!isMapping(groups) || typeof groups.field !== 'string' || !groups.field || !isMapping(groups.values)) {
      context.issues.push({ path, message: 'must be { field: <user field>, values: { <value>: { tokens_per_day: ... }, ... } }' });
      return limits;
    }
    const values: Record<string, UserLimitsOverride> = {};
    for (const [name, entry] of Object.entries(groups.values)) {
      if (!isMapping(entry)) context.issues.push({ path: `${path}.values.${name}`, message: 'must be a mapping of limits, e.g. { tokens_per_day: 100000 }' });
      else values[name] = { ...validateConfigSection(UserLimitsOverride, entry, `${path}.values.${name}`, context.issues) };
    }
    limits.groups = { field: groups.field, values };
    return limits;
  },
};

/** Whether `limits` limits a user's LLM calls (their number per minute, or a budget). */
export function limitsLlmCalls(limits: UserLimitsOverride): boolean {
  return limits.requests_per_minute !== undefined || limitsBudget(limits);
}

/** Whether `limits` sets a budget: tokens or cost, per day or month. */
export function limitsBudget(limits: UserLimitsOverride): boolean {
  return [limits.tokens_per_day, limits.tokens_per_month, limits.cost_per_day, limits.cost_per_month].some((value) => value !== undefined);
}
