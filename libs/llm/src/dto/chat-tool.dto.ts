import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Equals, IsBoolean, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';

/** OpenAI's rule for function names. */
export const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const TOOL_NAME_MESSAGE = 'name must be 1 to 64 letters, digits, _ or -';

export class ChatToolFunction {
  @ApiProperty({ pattern: TOOL_NAME.source, description: 'The name the model calls it by' })
  @IsString()
  @Matches(TOOL_NAME, { message: TOOL_NAME_MESSAGE })
  name: string;

  @ApiPropertyOptional({ description: 'What it does, for the model' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'A JSON schema of its arguments (an object schema)' })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Passed to the model: it should follow the schema exactly' })
  @IsOptional()
  @IsBoolean()
  strict?: boolean;
}

/**
 * A client-side tool, as OpenAI's `tools` takes it: offered to the model next to the workflow's own
 * tools; a call of it ends the reply with `finish_reason: "tool_calls"`, for the client to run.
 */
export class ChatTool {
  @ApiProperty({ enum: ['function'] })
  @Equals('function', { message: "type must be 'function'" })
  type: 'function';

  @ApiProperty({ type: ChatToolFunction })
  @ValidateNested()
  @Type(() => ChatToolFunction)
  function: ChatToolFunction;
}

export class ChatToolCallFunction {
  @ApiProperty() @IsString() name: string;
  @ApiProperty({ description: 'The arguments, as the JSON text the model wrote' }) @IsString() arguments: string;
}

/** A model's call of a tool, in an assistant message. */
export class ChatToolCall {
  @ApiProperty({ description: "Answered by the `role: 'tool'` message with this `tool_call_id`" })
  @IsString()
  id: string;

  @ApiProperty({ enum: ['function'] })
  @Equals('function', { message: "type must be 'function'" })
  type: 'function';

  @ApiProperty({ type: ChatToolCallFunction })
  @ValidateNested()
  @Type(() => ChatToolCallFunction)
  function: ChatToolCallFunction;
}

export class ChatNamedToolChoiceFunction {
  @ApiProperty() name: string;
}

/** `tool_choice` naming one function: the model must call it. */
export class ChatNamedToolChoice {
  @ApiProperty({ enum: ['function'] }) type: 'function';
  @ApiProperty({ type: ChatNamedToolChoiceFunction }) function: ChatNamedToolChoiceFunction;
}

export const TOOL_CHOICES = ['none', 'auto', 'required'] as const;
export type ChatToolChoice = (typeof TOOL_CHOICES)[number] | ChatNamedToolChoice;
