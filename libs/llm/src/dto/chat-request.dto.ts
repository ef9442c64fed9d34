import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  registerDecorator,
  ValidateNested,
} from 'class-validator';

export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** A part of a message's content; only text is understood. */
export interface ChatTextPart {
  type: 'text';
  text: string;
}

/** `content`: a string, or a list of text parts (`[{type: 'text', text}]`). */
function IsChatContent(): PropertyDecorator {
  return (target, key) =>
    registerDecorator({
      name: 'isChatContent',
      target: target.constructor,
      propertyName: String(key),
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' ||
          (Array.isArray(value) &&
            value.every((part) => part && typeof part === 'object' && part.type === 'text' && typeof part.text === 'string')),
        defaultMessage: () => "content must be a string or a list of text parts ([{type: 'text', text}]); images and audio are not supported",
      },
    });
}

export class ChatMessage {
  @ApiProperty({ enum: CHAT_ROLES, description: "Who wrote it; 'developer' is read as 'system'" })
  @IsIn(CHAT_ROLES, { message: `role must be one of: ${CHAT_ROLES.join(', ')}` })
  role: ChatRole;

  @ApiProperty({
    description: 'The text, or a list of text parts',
    oneOf: [
      { type: 'string' },
      { type: 'array', items: { type: 'object', required: ['type', 'text'], properties: { type: { type: 'string', enum: ['text'] }, text: { type: 'string' } } } },
    ],
  })
  @IsChatContent()
  content: string | ChatTextPart[];

  @ApiPropertyOptional({ description: 'A name for the participant' })
  @IsOptional()
  @IsString()
  name?: string;
}

/**
 * A chat request as NAT's `/chat` and OpenAI's `/v1/chat/completions` take it. The workflow decides
 * the model and the tools; `temperature`, `top_p` and `max_tokens` are passed on to its LLM, the
 * other OpenAI fields are accepted for compatibility and ignored.
 */
export class ChatRequest {
  @ApiProperty({ type: [ChatMessage], description: 'The conversation, oldest first; it ends with the new user message', minItems: 1 })
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => ChatMessage)
  messages: ChatMessage[];

  @ApiPropertyOptional({ description: 'Ignored: the workflow decides the model; replies name the one that answered' })
  @IsOptional()
  @IsString()
  model?: string;

  @ApiPropertyOptional({ description: 'Reply as server-sent events (`/v1/chat/completions`)', default: false })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ description: 'Accepted for compatibility; the usage is always in the last chunk' })
  @IsOptional()
  @IsObject()
  stream_options?: Record<string, unknown>;

  @ApiPropertyOptional({ minimum: 0, maximum: 2 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  top_p?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 1, description: 'Read as max_tokens' })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_completion_tokens?: number;

  @ApiPropertyOptional({ description: 'Only 1 is supported', minimum: 1, maximum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1, { message: 'n must be 1: one choice per request is supported' })
  n?: number;

  // Accepted for compatibility with OpenAI clients, and ignored.
  @ApiPropertyOptional() @IsOptional() @IsNumber() frequency_penalty?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber() presence_penalty?: number;
  @ApiPropertyOptional() @IsOptional() @IsObject() logit_bias?: Record<string, number>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() logprobs?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsInt() top_logprobs?: number;
  @ApiPropertyOptional() @IsOptional() @IsObject() response_format?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsInt() seed?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() service_tier?: string;
  @ApiPropertyOptional({ description: "Ignored: the workflow's own tools are used" }) @IsOptional() @IsArray() tools?: unknown[];
  @ApiPropertyOptional() @IsOptional() tool_choice?: unknown;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() parallel_tool_calls?: boolean;
  @ApiPropertyOptional() @IsOptional() stop?: unknown;
  @ApiPropertyOptional({ description: 'Ignored: the user is who the identity says' }) @IsOptional() @IsString() user?: string;
  @ApiPropertyOptional() @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() store?: boolean;
}

/** The text of a message's content. */
export function chatText(content: string | ChatTextPart[]): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}
