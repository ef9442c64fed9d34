import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { UsageGroup, UsageGrouping, UsageReport } from '@userscope/llm';

const COSTS = { type: 'object', additionalProperties: { type: 'integer' }, example: { USD: 72 } } as const;
const DECIMAL_COSTS = { type: 'object', additionalProperties: { type: 'string' }, example: { USD: '0.000072' } } as const;

/** The sums of a group's calls. */
export class UsageTotalsReply implements Omit<UsageGroup, 'key'> {
  @ApiProperty() calls!: number;
  @ApiProperty() prompt_tokens!: number;
  @ApiProperty() completion_tokens!: number;
  @ApiProperty({ description: 'Of the prompt tokens, those read from the server\'s prompt cache' }) cached_tokens!: number;
  @ApiProperty() total_tokens!: number;
  @ApiProperty({ ...COSTS, description: 'Cost by currency, in integer micro-units (a millionth of the currency): exact sums of the calls\' costs' })
  cost_micros!: Record<string, number>;
  @ApiProperty({ ...DECIMAL_COSTS, description: 'The same costs as decimal amounts' })
  cost!: Record<string, string>;
}

export class UsageGroupReply extends UsageTotalsReply implements UsageGroup {
  @ApiProperty({ description: 'The user id, day (YYYY-MM-DD), `<llm>/<model>` or run id; `-` for calls outside any user or run' })
  key!: string;
}

/** `GET /api/usage` and `GET /me/usage` as JSON. */
export class UsageReportReply implements UsageReport {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: ['user', 'day', 'model', 'run'] }) group_by!: UsageGrouping;
  @ApiPropertyOptional() user_id?: string;
  @ApiProperty({ type: [UsageGroupReply] }) groups!: UsageGroupReply[];
  @ApiProperty({ type: UsageTotalsReply }) totals!: UsageTotalsReply;
}
