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

export const WORKFLOW_ID = /^[A-Za-z0-9\-_.]{1,64}$/;
export const NODE_ID = /^[A-Za-z0-9\-_]{1,32}$/;

/** One step of a batch workflow. Which fields apply depends on `type`. */
export class BatchNodeDefinition implements BatchNode {
  @Matches(NODE_ID, { message: 'id must be 1-32 letters, digits, - or _' })
  id: string;

  @IsIn(['llm', 'function', 'template'])
  type: BatchNodeType;

  @IsOptional()
  @IsString()
  name?: string;

  /** llm: the LLM's name in `llms:`. */
  @IsOptional()
  @IsString()
  llm?: string;

  /** llm: the prompt template. */
  @IsOptional()
  @IsString()
  @MaxLength(100_000)
  prompt?: string;

  /** llm: the system prompt template. */
  @IsOptional()
  @IsString()
  system?: string;

  /** llm: a JSON schema the reply must match (structured output). */
  @IsOptional()
  @IsObject()
  output_schema?: Record<string, unknown>;

  /** function: the configured function's name. */
  @IsOptional()
  @IsString()
  function?: string;

  /** function: its input; every string in it is a template. */
  @IsOptional()
  input?: unknown;

  /** template: the text template. */
  @IsOptional()
  @IsString()
  template?: string;
}

/** A named workflow run once per selected user. */
export class BatchWorkflowDefinition implements BatchWorkflow {
  @Matches(WORKFLOW_ID, { message: 'id must be 1-64 letters, digits, - _ or .' })
  id: string;

  @IsString()
  @MinLength(1)
  name: string;

  @IsOptional()
  @IsString()
  description?: string;

  /** `error` (default), `empty`, or `default:<text>`. */
  @IsString()
  @Matches(/^(error|empty|default:.*)$/s, { message: "on_missing must be 'error', 'empty' or 'default:<text>'" })
  on_missing: string = 'error';

  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => BatchNodeDefinition)
  nodes: BatchNodeDefinition[];

  /** The node whose output is the final result (what "Copy All" and the exports hold); default: the last. */
  @IsOptional()
  @Matches(NODE_ID, { message: 'result_node must be a node id' })
  result_node?: string;
}
