import { ApiProperty } from '@nestjs/swagger';

/** What is left of one of a user's budgets this period. */
export class BudgetRemainingReply {
  @ApiProperty({ enum: ['tokens_per_day', 'tokens_per_month', 'cost_per_day', 'cost_per_month'] }) limit!: string;
  @ApiProperty({ enum: ['tokens', 'cost_micros'], description: "Tokens, or integer micro-units (a millionth) of the LLMs' price currency" }) unit!: 'tokens' | 'cost_micros';
  @ApiProperty({ example: '2026-12-02', description: 'The day or month, in general.limits.timezone' }) period!: string;
  @ApiProperty({ format: 'date-time' }) resets_at!: string;
  @ApiProperty() allowed!: number;
  @ApiProperty({ description: 'Used this period, reservations of calls in flight included' }) used!: number;
  @ApiProperty() remaining!: number;
}
