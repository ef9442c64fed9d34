import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { ChatNamedToolChoice, ChatTool, ChatToolCall, ChatToolChoice, TOOL_CHOICES } from './chat-tool.dto';
import { ChatResponseFormat, responseFormatProblem } from './chat-response-format.dto';

export const CHAT_ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;
export type ChatRole = (typeof CHAT_ROLES)[number];

/** A part of a message's content; only text is understood. */
export interface ChatTextPart {
  type: 'text';
  text: string;
}

/** Content part types that name a kind of input the workflow's LLMs do not take. */
const UNSUPPORTED_PARTS: Record<string, string> = {
  image_url: 'images are not supported: the LLMs of this server take text only',
  input_audio: 'audio is not supported: the LLMs of this server take text only',
  file: 'files are not supported: send their text as a text part',
};

/** What is wrong with a message's `content`, or undefined. `null` is an assistant's that only calls tools. */
function contentProblem(value: unknown, message: ChatMessage): string | undefined {
  if (typeof value === 'string') return undefined;
  if (value === null || value === undefined) {
    return message.role === 'assistant' && message.tool_calls?.length ? undefined : 'content must be a string or a list of text parts';
  }
  if (!Array.isArray(value)) return "content must be a string or a list of text parts ([{type: 'text', text}])";
  for (const [index, part] of value.entries()) {
    const type = part && typeof part === 'object' ? (part as { type?: unknown }).type : undefined;
    if (typeof type === 'string' && UNSUPPORTED_PARTS[type]) return `content[${index}] is of type '${type}': ${UNSUPPORTED_PARTS[type]}`;
    if (type !== 'text' || typeof (part as { text?: unknown }).text !== 'string') return `content[${index}] must be a text part ({type: 'text', text})`;
  }
  return undefined;
}

/** @internal A property checked by `problem`, whose answer is the message; `undefined` is fine. */
export function Checked(name: string, problem: (value: any, object: any) => string | undefined): PropertyDecorator {
  return (target, key) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(key),
      options: { message: (args: ValidationArguments) => problem(args.value, args.object) ?? '' },
      validator: { validate: (value: unknown, args?: ValidationArguments) => problem(value, args?.object) === undefined },
    });
}

/** @internal OpenAI's bounds of an optional number: what `temperature` (0 to 2) and `top_p` (0 to 1) accept, on every route that takes them. */
export function OptionalNumberIn(minimum: number, maximum: number): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ minimum, maximum }), IsOptional(), IsNumber(), Min(minimum), Max(maximum));
}

export class ChatMessage {
  @ApiProperty({ enum: CHAT_ROLES, description: "Who wrote it; 'developer' is read as 'system'; 'tool' answers a client-side tool call" })
  @IsIn(CHAT_ROLES, { message: `role must be one of: ${CHAT_ROLES.join(', ')}` })
  role: ChatRole;

  @ApiProperty({
    description: "The text, or a list of text parts; null in an assistant message that only calls tools",
    oneOf: [
      // OpenAPI 3.0 wants `nullable` beside a `type`.
      { type: 'string', nullable: true },
      { type: 'array', items: { type: 'object', required: ['type', 'text'], properties: { type: { type: 'string', enum: ['text'] }, text: { type: 'string' } } } },
    ],
  })
  @Checked('isChatContent', contentProblem)
  content: string | ChatTextPart[] | null;

  @ApiPropertyOptional({ description: 'A name for the participant' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ type: [ChatToolCall], description: "An assistant message's tool calls, as the model made them" })
  @ValidateIf((message: ChatMessage) => message.tool_calls !== undefined)
  @Checked('toolCallsOfAssistant', (_, message: ChatMessage) => (message.role === 'assistant' ? undefined : 'tool_calls may only be in an assistant message'))
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ChatToolCall)
  tool_calls?: ChatToolCall[];

  @ApiPropertyOptional({ description: "With role 'tool': the id of the tool call it answers" })
  @ValidateIf((message: ChatMessage) => message.role === 'tool' || message.tool_call_id !== undefined)
  @Checked('toolCallIdOfTool', (_, message: ChatMessage) => (message.role === 'tool' ? undefined : "tool_call_id may only be in a message of role 'tool'"))
  @IsString({ message: "tool_call_id is required in a message of role 'tool': the id of the call it answers" })
  @IsNotEmpty({ message: "tool_call_id is required in a message of role 'tool': the id of the call it answers" })
  tool_call_id?: string;
}

/** What is wrong with `tool_choice`, or undefined; a named function must be one of the request's `tools`. */
function toolChoiceProblem(value: unknown, request: ChatRequest): string | undefined {
  if (typeof value === 'string') return (TOOL_CHOICES as readonly string[]).includes(value) ? undefined : `tool_choice must be one of: ${TOOL_CHOICES.join(', ')}, or {type: 'function', function: {name}}`;
  const named = value as Partial<ChatNamedToolChoice> | null;
  if (!named || typeof named !== 'object' || named.type !== 'function' || typeof named.function?.name !== 'string') {
    return `tool_choice must be one of: ${TOOL_CHOICES.join(', ')}, or {type: 'function', function: {name}}`;
  }
  const names = (Array.isArray(request.tools) ? request.tools : []).map((tool) => tool?.function?.name);
  if (!names.includes(named.function.name)) return `tool_choice names the function '${named.function.name}', which is not in tools (${names.join(', ') || 'none'})`;
  return undefined;
}

function stopProblem(value: unknown): string | undefined {
  if (typeof value === 'string') return undefined;
  if (Array.isArray(value) && value.length <= 4 && value.every((item) => typeof item === 'string')) return undefined;
  return 'stop must be a string or a list of up to 4 strings';
}

/**
 * A chat request as NAT's `/chat` and OpenAI's `/v1/chat/completions` take it. The workflow decides
 * the model; `tools` are the client's own, offered next to the workflow's. `temperature`, `top_p`,
 * `max_tokens`, `stop`, `tool_choice`, `parallel_tool_calls` and `response_format` are passed on to
 * its LLM; what it cannot do (`n` > 1, audio, images) is refused; the other OpenAI fields are
 * accepted for compatibility and ignored.
 */
@ApiExtraModels(ChatNamedToolChoice, ChatResponseFormat)
export class ChatRequest {
  @ApiProperty({ type: [ChatMessage], description: "The conversation, oldest first; it ends with the new user message, or with the 'tool' messages that answer the last reply's tool calls", minItems: 1 })
  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => ChatMessage)
  messages: ChatMessage[];

  @ApiPropertyOptional({ description: 'Accepted and ignored: the server has one model (GET /v1/models); replies name it' })
  @IsOptional()
  @IsString()
  model?: string;

  @ApiPropertyOptional({ description: 'Reply as server-sent events (`/v1/chat/completions`)', default: false })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Accepted for compatibility; the usage is always in the last chunk' })
  @IsOptional()
  @IsObject()
  stream_options?: Record<string, unknown>;

  @OptionalNumberIn(0, 2)
  temperature?: number;

  @OptionalNumberIn(0, 1)
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

  @ApiPropertyOptional({ description: 'Only 1 is supported: more is a 400', minimum: 1, maximum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1, { message: 'n must be 1: one choice per request is supported' })
  n?: number;

  @ApiPropertyOptional({ type: [ChatTool], description: "Client-side tools, offered to the model next to the workflow's own; a call of one ends the reply with finish_reason 'tool_calls'" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => ChatTool)
  tools?: ChatTool[];

  @ApiPropertyOptional({
    description: "How the model may use the tools in its first call of the request: 'auto' (default), 'none', 'required', or one named function of tools",
    oneOf: [{ type: 'string', enum: [...TOOL_CHOICES] }, { $ref: getSchemaPath(ChatNamedToolChoice) }],
  })
  @IsOptional()
  @Checked('isToolChoice', toolChoiceProblem)
  tool_choice?: ChatToolChoice;

  @ApiPropertyOptional({ description: 'Passed to the model: whether it may call several tools at once' })
  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean;

  @ApiPropertyOptional({ description: 'Up to 4 sequences where the model stops writing', oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 4 }] })
  @IsOptional()
  @Checked('isStop', stopProblem)
  stop?: string | string[];

  @ApiPropertyOptional({ type: ChatResponseFormat, description: 'json_object or json_schema: the reply is JSON, validated (a 422 carries a reply that is not)' })
  @IsOptional()
  @Checked('isResponseFormat', responseFormatProblem)
  response_format?: ChatResponseFormat;

  @ApiPropertyOptional({ description: 'Refused: audio output is not supported' })
  @IsOptional()
  @Checked('noAudio', () => 'audio is not supported: replies are text only')
  audio?: unknown;

  @ApiPropertyOptional({ type: [String], description: "Only ['text']: audio output is not supported" })
  @IsOptional()
  @Checked('textModality', (value) => (Array.isArray(value) && value.every((item) => item === 'text') ? undefined : "modalities must be ['text']: replies are text only"))
  modalities?: string[];

  // Accepted for compatibility with OpenAI clients, and ignored.
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsNumber() frequency_penalty?: number;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsNumber() presence_penalty?: number;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'number' }, description: 'Accepted and ignored' }) @IsOptional() @IsObject() logit_bias?: Record<string, number>;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsBoolean() logprobs?: boolean;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsInt() top_logprobs?: number;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsInt() seed?: number;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsString() service_tier?: string;
  @ApiPropertyOptional({ description: 'Accepted and ignored: the user is who the identity says' }) @IsOptional() @IsString() user?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Accepted and ignored' }) @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsBoolean() store?: boolean;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsString() reasoning_effort?: string;
}

/** The text of a message's content (empty for none). */
export function chatText(content: string | ChatTextPart[] | null): string {
  if (content === null) return '';
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}
