import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Analytics, DurationStats, ExecutionStatus, NodeAnalytics, NodeResult, RunResults, UserResults } from '../../api/runs.types';
import type { BatchNodeType } from '../../api/workflows.types';
import { ANY_JSON_SCHEMA } from '../../batch-api.schemas';
import { EXECUTION_STATUSES } from './run.reply';


/** One node's output for one user. */
export class NodeResultReply implements NodeResult {
  @ApiProperty()
  nodeId!: string;

  @ApiProperty({ enum: ['llm', 'function', 'template'] })
  type!: BatchNodeType;

  @ApiPropertyOptional()
  name?: string;

  @ApiPropertyOptional({ description: 'llm: the model that answered' })
  model?: string;

  @ApiPropertyOptional({ description: "llm: the `_type` of the LLM that answered (`openai`, ...); `echo` is the deterministic stand-in, not an LLM" })
  llmType?: string;

  @ApiProperty({ description: 'Whether `content` is structured output (JSON) rather than text' })
  structured!: boolean;

  @ApiProperty({ ...ANY_JSON_SCHEMA, description: "The node's output: text, or JSON" })
  content!: unknown;

  @ApiProperty()
  tokens!: number;

  @ApiProperty()
  userName!: string;

  @ApiProperty()
  userId!: string;

  @ApiProperty()
  durationMs!: number;
}

/** One user's results of a run. */
export class UserResultsReply implements UserResults {
  @ApiProperty()
  userId!: string;

  @ApiProperty()
  userName!: string;

  @ApiProperty({ enum: EXECUTION_STATUSES })
  status!: ExecutionStatus;

  @ApiPropertyOptional()
  error?: string;

  @ApiPropertyOptional()
  durationMs?: number;

  @ApiProperty()
  tokens!: number;

  @ApiProperty()
  billedTokens!: number;

  @ApiProperty({ type: [NodeResultReply] })
  nodes!: NodeResultReply[];

  @ApiPropertyOptional({ ...ANY_JSON_SCHEMA, description: "The result node's output; absent until the user's execution succeeds" })
  final?: unknown;
}

/** `GET /api/runs/{id}/results`. */
export class RunResultsReply implements RunResults {
  @ApiProperty()
  runId!: string;

  @ApiProperty()
  workflowId!: string;

  @ApiProperty({ type: [UserResultsReply] })
  users!: UserResultsReply[];
}

/** Nearest-rank percentiles in milliseconds. */
export class DurationStatsReply implements DurationStats {
  @ApiProperty()
  p50!: number;

  @ApiProperty()
  p95!: number;
}

/** A node's share of a run's analytics. */
export class NodeAnalyticsReply implements NodeAnalytics {
  @ApiProperty()
  nodeId!: string;

  @ApiProperty({ minimum: 0, maximum: 1 })
  successRate!: number;

  @ApiProperty()
  totalTokens!: number;

  @ApiProperty()
  averageTokens!: number;

  @ApiProperty({ type: DurationStatsReply })
  duration!: DurationStatsReply;
}

/** `GET /api/runs/{id}/analytics`. */
export class AnalyticsReply implements Analytics {
  @ApiProperty()
  runId!: string;

  @ApiProperty({ minimum: 0, maximum: 1 })
  successRate!: number;

  @ApiProperty({ description: 'Tokens of the final attempts' })
  totalTokens!: number;

  @ApiProperty({ description: 'Tokens of every attempt' })
  billedTokens!: number;

  @ApiProperty()
  averageTokens!: number;

  @ApiProperty({ type: DurationStatsReply })
  duration!: DurationStatsReply;

  @ApiProperty({ type: [NodeAnalyticsReply] })
  byNode!: NodeAnalyticsReply[];
}
