import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { BudgetRemainingReply } from '../../usage/dto/budget-remaining.reply';

export class UserMonitorSession {
  @ApiProperty({ description: 'ISO 8601' }) created_at!: string;
  @ApiProperty({ description: 'ISO 8601' }) last_activity!: string;
  @ApiProperty({ description: 'Requests in flight' }) ref_count!: number;
  @ApiProperty({ description: 'Whether a request is in flight' }) is_active!: boolean;
}

export class UserMonitorRequests {
  @ApiProperty() total_requests!: number;
  @ApiProperty() active_requests!: number;
  @ApiProperty() avg_latency_ms!: number;
  @ApiProperty() error_count!: number;
}

export class UserMonitorMemory {
  @ApiProperty() per_user_functions_count!: number;
  @ApiProperty() per_user_function_groups_count!: number;
  @ApiProperty() exit_stack_size!: number;
}

export class UserMonitorLlm {
  @ApiProperty() prompt_tokens!: number;
  @ApiProperty() completion_tokens!: number;
  @ApiProperty() total_tokens!: number;
  @ApiProperty() llm_calls!: number;
  @ApiProperty({
    description: 'What those calls cost, by currency, in integer micro-units (a millionth of the currency), for LLMs with a price',
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { USD: 1250 },
  })
  cost_micros!: Record<string, number>;
}

/** The user's limits (`general.limits`) as they stand: what is left of each budget, and their runs in flight. */
export class UserMonitorBudget {
  @ApiProperty({ type: [BudgetRemainingReply], description: 'One entry per budget that applies to the user (tokens or cost, per day or month)' }) remaining!: BudgetRemainingReply[];
  @ApiPropertyOptional({ description: "The user's concurrent_runs, when they have one" }) concurrent_runs?: number;
  @ApiProperty({ description: 'Their runs in flight now (every process on the shared Redis)' }) runs_in_flight!: number;
  @ApiPropertyOptional({ description: 'Set when the budgets\' store did not answer: then the figures above are absent or zero' }) error?: string;
}

/** One of the user's MCP client sessions (a per_user_mcp_client group): never its credentials. */
export class UserMonitorMcpSession {
  @ApiProperty() group!: string;
  @ApiProperty() connected!: boolean;
  @ApiProperty({ required: false }) session_id?: string;
  @ApiProperty({ type: [String], description: 'The tools the server listed' }) tools!: string[];
  @ApiProperty({ required: false, description: 'The last failure of a call or of connecting' }) last_error?: string;
}

/** One user as `GET /monitor/users` shows it: NAT's shape plus the `llm` block, the `budget` block (and, in cluster mode, the replica). */
export class UserMonitorEntry {
  @ApiProperty() user_id!: string;
  @ApiPropertyOptional({ description: 'Cluster mode: the replica holding the user' }) replica?: string;
  @ApiProperty({ type: UserMonitorSession }) session!: UserMonitorSession;
  @ApiProperty({ type: UserMonitorRequests }) requests!: UserMonitorRequests;
  @ApiProperty({ type: UserMonitorMemory }) memory!: UserMonitorMemory;
  @ApiProperty({ type: UserMonitorLlm }) llm!: UserMonitorLlm;
  @ApiPropertyOptional({ type: UserMonitorBudget, description: 'The remaining budgets, when any limit of general.limits (or of the user) applies to them' }) budget?: UserMonitorBudget;
  @ApiProperty({ type: [UserMonitorMcpSession], required: false, description: 'The MCP client sessions of the user: one per per_user_mcp_client group, then their open session of each mcp_client group' })
  mcp_sessions?: UserMonitorMcpSession[];
}

/** A replica of the cluster whose users are not in the reply. */
export class MissingReplica {
  @ApiProperty({ example: 'r2' }) id!: string;
  @ApiProperty({ description: 'Its address in the directory (empty while it starts)' }) address!: string;
  @ApiProperty({ description: 'Why: no answer in time, unreachable, an error status, or gone from the directory without leaving' }) reason!: string;
}

export class UsersMonitorReply {
  @ApiProperty({ description: 'ISO 8601' }) timestamp!: string;
  @ApiProperty({ description: 'Live sessions (in cluster mode, on every replica that answered)' }) total_active_users!: number;
  @ApiProperty({ type: [UserMonitorEntry] }) users!: UserMonitorEntry[];
  @ApiPropertyOptional({
    type: [MissingReplica],
    description: 'Cluster mode, whole-cluster scope: the replicas whose users could not be listed. Empty when the list is complete.',
  })
  missing_replicas?: MissingReplica[];
}
