import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import type { BatchNode, BatchNodeType, BatchWorkflow } from '../api/workflows.types';
import { ANY_JSON_SCHEMA } from '../batch-api.schemas';

export const WORKFLOW_ID = /^[A-Za-z0-9\-_.]{1,64}$/;
export const NODE_ID = /^[A-Za-z0-9\-_]{1,32}$/;

/** One step of a batch workflow. Which fields apply depends on `type`. */
@ApiSchema({ description: 'One step of a batch workflow; which fields apply depends on `type`' })
export class BatchNodeDefinition implements BatchNode {
  @ApiProperty({ type: String, pattern: NODE_ID.source })
  @Matches(NODE_ID, { message: 'id must be 1-32 letters, digits, - or _' })
  id: string;

  @ApiProperty({ enum: ['llm', 'function', 'template'] })
  @IsIn(['llm', 'function', 'template'])
  type: BatchNodeType;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ type: String, description: "llm: the LLM's name in `llms:`" })
  @IsOptional()
  @IsString()
  llm?: string;

  @ApiPropertyOptional({ type: String, maxLength: 100_000, description: 'llm: the prompt template' })
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  prompt?: string;

  @ApiPropertyOptional({ type: String, description: 'llm: the system prompt template' })
  @IsOptional()
  @IsString()
  system?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'llm: a JSON schema the reply must match (structured output)' })
  @IsOptional()
  @IsObject()
  output_schema?: Record<string, unknown>;

  @ApiPropertyOptional({ type: String, description: "function: the configured function's name" })
  @IsOptional()
  @IsString()
  function?: string;

  @ApiPropertyOptional({
    description: 'function: its input (any JSON); every string in it is a template',
    ...ANY_JSON_SCHEMA,
  })
  @IsOptional()
  input?: unknown;

  @ApiPropertyOptional({ type: String, description: 'template: the text template' })
  @IsOptional()
  @IsString()
  template?: string;
}

/** A named workflow run once per selected user: `batch_workflows:` in the config, and the body of the workflow routes. */
@ApiSchema({ description: 'A named workflow run once per selected user. `source` and `fields` (what GET adds) are ignored in a body' })
export class BatchWorkflowDefinition implements BatchWorkflow {
  @ApiProperty({ type: String, pattern: WORKFLOW_ID.source, description: 'On PUT, the path gives it' })
  @Matches(WORKFLOW_ID, { message: 'id must be 1-64 letters, digits, - _ or .' })
  id: string;

  @ApiProperty({ type: String, minLength: 1 })
  @IsString()
  @MinLength(1)
  name: string;

  @ApiPropertyOptional({ type: String })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ type: String, default: 'error', description: 'What a missing user field does: `error`, `empty`, or `default:<text>`' })
  @IsString()
  @Matches(/^(error|empty|default:.*)$/s, { message: "on_missing must be 'error', 'empty' or 'default:<text>'" })
  on_missing: string = 'error';

  @ApiProperty({ type: () => [BatchNodeDefinition], minItems: 1, description: 'Run in order' })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => BatchNodeDefinition)
  nodes: BatchNodeDefinition[];

  @ApiPropertyOptional({ type: String, description: 'The node whose output is the final result; default: the last' })
  @IsOptional()
  @Matches(NODE_ID, { message: 'result_node must be a node id' })
  result_node?: string;
}
