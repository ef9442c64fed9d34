import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { BatchNodeType, RenderedNodeInput, TestedNode, WorkflowTestReply } from '../../api/workflows.types';
import { ANY_JSON_SCHEMA } from '../../batch-api.schemas';

/** One node of a test run. */
@ApiSchema({ description: 'One node of a test run: what it was sent, templates filled in, and what it answered' })
export class TestedNodeReply implements TestedNode {
  @ApiProperty()
  nodeId!: string;

  @ApiProperty({ enum: ['llm', 'function', 'template'] })
  type!: BatchNodeType;

  @ApiPropertyOptional()
  name?: string;

  @ApiProperty({ enum: ['succeeded', 'failed'] })
  status!: 'succeeded' | 'failed';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'llm: `{system?, prompt}`; function: `{function, input}`; template: `{template}`. Absent when the node failed before its templates were filled in',
  })
  input?: RenderedNodeInput;

  @ApiPropertyOptional({ description: 'The output', ...ANY_JSON_SCHEMA })
  content?: unknown;

  @ApiPropertyOptional()
  structured?: boolean;

  @ApiPropertyOptional()
  model?: string;

  @ApiPropertyOptional()
  tokens?: number;

  @ApiPropertyOptional()
  durationMs?: number;

  @ApiPropertyOptional({ description: 'Why the node failed' })
  error?: string;
}

/** `POST /api/workflows/test`: the draft's run for one user. */
@ApiSchema({ description: "A draft workflow's run for one user; nothing of it is stored" })
export class WorkflowTestReplyBody implements WorkflowTestReply {
  @ApiProperty()
  userId!: string;

  @ApiProperty()
  userName!: string;

  @ApiProperty({ enum: ['succeeded', 'failed'] })
  status!: 'succeeded' | 'failed';

  @ApiPropertyOptional({ description: 'Why the run failed (a node, or `batch.test_timeout`)' })
  error?: string;

  @ApiProperty({ type: [TestedNodeReply], description: 'The nodes that ran, in order; a failed one last' })
  nodes!: TestedNodeReply[];

  @ApiPropertyOptional({ description: 'The output of `result_node` (default: the last node)', ...ANY_JSON_SCHEMA })
  final?: unknown;

  @ApiProperty({ description: "Every LLM call's tokens, accounted to the user" })
  tokens!: number;

  @ApiProperty()
  durationMs!: number;
}
