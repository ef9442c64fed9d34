import { ApiProperty } from '@nestjs/swagger';
import { UserLimitsOverride } from '@userscope/llm';
import { BudgetRemainingReply } from './budget-remaining.reply';

export class BudgetPeriodReply {
  @ApiProperty({ enum: ['day', 'month'] }) kind!: 'day' | 'month';
  @ApiProperty({ example: '2026-12-02' }) id!: string;
  @ApiProperty({ format: 'date-time' }) ends_at!: string;
  @ApiProperty({ description: 'Tokens used this period, reservations in flight included' }) used_tokens!: number;
  @ApiProperty({ description: 'Cost this period, in integer micro-units' }) used_cost_micros!: number;
}

/** `GET /api/users/{id}/limits`. */
export class UserLimitsReply {
  @ApiProperty() user_id!: string;
  @ApiProperty({ type: UserLimitsOverride, description: 'The limits that apply: general.limits with the user\'s own over it' }) limits!: UserLimitsOverride;
  @ApiProperty({ type: UserLimitsOverride, nullable: true, description: "The user's own limits; null when general.limits applies alone" }) own!: UserLimitsOverride | null;
  @ApiProperty({ type: [BudgetPeriodReply] }) periods!: BudgetPeriodReply[];
  @ApiProperty({ type: [BudgetRemainingReply], description: 'What is left of each budget that applies' }) remaining!: BudgetRemainingReply[];
  @ApiProperty({ description: 'The user\'s runs in flight now (every process on the shared Redis), against concurrent_runs' }) runs_in_flight!: number;
}
