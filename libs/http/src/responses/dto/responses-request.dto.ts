import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Checked, OptionalNumberIn, responseFormatProblem, TOOL_CHOICES, TOOL_NAME } from '@userscope/llm';
import { ResponsesMessages } from '../responses.messages';
import { ResponseFunctionCall, ResponseFunctionCallOutput, ResponseInputMessage, ResponseItemReference, ResponseTextFormat, ResponseTextPart } from './response-object.dto';

const ROLES = ['user', 'assistant', 'system', 'developer'];
const TEXT_PARTS = ['input_text', 'output_text'];

/** An input item as the client sent it: references not resolved yet. */
export type ResponseRequestItem = ResponseInputMessage | ResponseFunctionCall | ResponseFunctionCallOutput | ResponseItemReference;

/** What is wrong with a list of text parts, or undefined. */
function partsProblem(parts: unknown, at: string): string | undefined {
  if (typeof parts === 'string') return undefined;
  if (!Array.isArray(parts)) return `${at} must be a string or a list of input_text parts`;
  for (const [index, part] of parts.entries()) {
    const type = (part as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !TEXT_PARTS.includes(type) && type !== 'refusal') return `${at}[${index}]: ${ResponsesMessages.unsupportedPart(type)}`;
    const text = type === 'refusal' ? (part as { refusal?: unknown }).refusal : (part as { text?: unknown }).text;
    if (typeof text !== 'string') return `${at}[${index}] must be a text part ({type: 'input_text', text})`;
  }
  return undefined;
}

/** What is wrong with one input item, or undefined. */
function itemProblem(item: unknown, at: string): string | undefined {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return `${at} must be an object`;
  const { type, role } = item as { type?: unknown; role?: unknown };
  const has = (key: string) => typeof (item as Record<string, unknown>)[key] === 'string';
  switch (type ?? (role === undefined ? undefined : 'message')) {
    case 'message':
      if (!ROLES.includes(role as string)) return `${at}.role must be one of: ${ROLES.join(', ')}`;
      return partsProblem((item as { content?: unknown }).content, `${at}.content`);
    case 'function_call':
      if (!has('call_id') || !has('name') || !has('arguments')) return `${at}: a function_call has call_id, name and arguments (strings)`;
      return undefined;
    case 'function_call_output':
      if (!has('call_id')) return `${at}.call_id is required: the call_id of the function_call it answers`;
      return partsProblem((item as { output?: unknown }).output, `${at}.output`);
    case 'item_reference':
      return has('id') ? undefined : `${at}.id is required: the id of an item of one of your stored responses`;
    case undefined:
      return `${at} needs a type (message, function_call, function_call_output, item_reference) or a role`;
    default:
      return `${at}: ${ResponsesMessages.unsupportedItem(String(type))}`;
  }
}

function inputProblem(input: unknown): string | undefined {
  if (typeof input === 'string') return undefined;
  if (!Array.isArray(input) || input.length === 0) return 'input must be a string or a non-empty list of items';
  for (const [index, item] of input.entries()) {
    const problem = itemProblem(item, `input[${index}]`);
    if (problem) return problem;
  }
  return undefined;
}

function toolChoiceProblem(value: unknown, request: ResponsesRequest): string | undefined {
  const expected = `tool_choice must be one of: ${TOOL_CHOICES.join(', ')}, or {type: 'function', name}`;
  if (typeof value === 'string') return (TOOL_CHOICES as readonly string[]).includes(value) ? undefined : expected;
  const named = value as { type?: unknown; name?: unknown } | null;
  if (!named || typeof named !== 'object' || named.type !== 'function' || typeof named.name !== 'string') return expected;
  const names = (Array.isArray(request.tools) ? request.tools : []).map((tool) => tool?.name);
  if (!names.includes(named.name)) return `tool_choice names the function '${named.name}', which is not in tools (${names.join(', ') || 'none'})`;
  return undefined;
}

/** `text.format` checked as the chat route's `response_format` is. */
function textProblem(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'text must be an object ({format: {type}})';
  const format = (value as { format?: unknown }).format;
  if (format === undefined) return undefined;
  const problem = responseFormatProblem(asResponseFormat(format));
  return problem && problem.replace(/response_format(\.json_schema)?/g, 'text.format');
}

/** A Responses `text.format` as chat's `response_format`: the json_schema's fields sit on the format itself. */
export function asResponseFormat(format: unknown): unknown {
  if (!format || typeof format !== 'object' || (format as { type?: unknown }).type !== 'json_schema') return format;
  const { type, ...schema } = format as Record<string, unknown>;
  return { type, json_schema: schema };
}

/** A function tool of the client, as the Responses API takes it (flat, not under `function`). */
export class ResponsesFunctionTool {
  @ApiProperty({ enum: ['function'] })
  @Checked('functionTool', (type) => (type === 'function' ? undefined : ResponsesMessages.unsupportedTool(String(type))))
  type: 'function';

  @ApiProperty({ pattern: TOOL_NAME.source })
  @IsString()
  @Matches(TOOL_NAME, { message: 'name must be 1 to 64 letters, digits, _ or -' })
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'A JSON schema of its arguments' })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: Boolean, nullable: true })
  @IsOptional()
  @IsBoolean()
  strict?: boolean | null;
}

export class ResponsesTextOptions {
  @ApiPropertyOptional({ type: ResponseTextFormat, description: 'json_object or json_schema: the answer is JSON, validated (a 422 carries one that is not)' })
  format?: ResponseTextFormat;

  @ApiPropertyOptional({ description: 'Accepted and ignored' })
  verbosity?: string;
}

/**
 * A request of OpenAI's Responses API, on the chat workflow. `tools` are the client's own (function
 * tools), offered next to the workflow's; `text.format` takes the structured-output path;
 * `previous_response_id` continues one of the caller's stored responses. What the server cannot do
 * (hosted tools, images, background) is refused; the other OpenAI fields are accepted and ignored.
 */
@ApiExtraModels(ResponseInputMessage, ResponseFunctionCall, ResponseFunctionCallOutput, ResponseItemReference, ResponseTextPart)
export class ResponsesRequest {
  @ApiProperty({
    description: 'The new user message, or items: messages, function_call / function_call_output items, item_reference of your stored items',
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        minItems: 1,
        // anyOf: a message's `type` is optional, so a schema cannot tell the kinds apart alone.
        items: {
          anyOf: [ResponseInputMessage, ResponseFunctionCall, ResponseFunctionCallOutput, ResponseItemReference].map((model) => ({ $ref: getSchemaPath(model) })),
        },
      },
    ],
  })
  @Checked('responsesInput', inputProblem)
  input: string | ResponseRequestItem[];

  @ApiPropertyOptional({ description: 'A system message ahead of the input (not carried over by previous_response_id)' })
  @IsOptional()
  @IsString()
  instructions?: string;

  @ApiPropertyOptional({ description: 'Continue one of your stored responses: its conversation comes before the input' })
  @IsOptional()
  @IsString()
  previous_response_id?: string;

  @ApiPropertyOptional({ description: 'Keep the response for GET, DELETE and previous_response_id (general.front_end.responses_ttl)', default: true })
  @IsOptional()
  @IsBoolean()
  store?: boolean;

  @ApiPropertyOptional({ description: 'Reply as server-sent events of the Responses API', default: false })
  @IsOptional()
  @IsBoolean()
  stream?: boolean;

  @ApiPropertyOptional({ type: [ResponsesFunctionTool], description: "Client-side function tools; a call of one ends the response with function_call items" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(128)
  @ValidateNested({ each: true })
  @Type(() => ResponsesFunctionTool)
  tools?: ResponsesFunctionTool[];

  @ApiPropertyOptional({
    description: "'auto' (default), 'none', 'required', or {type: 'function', name} of one of tools",
    oneOf: [{ type: 'string', enum: [...TOOL_CHOICES] }, { type: 'object', required: ['type', 'name'], properties: { type: { type: 'string', enum: ['function'] }, name: { type: 'string' } } }],
  })
  @IsOptional()
  @Checked('responsesToolChoice', toolChoiceProblem)
  tool_choice?: (typeof TOOL_CHOICES)[number] | { type: 'function'; name: string };

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  parallel_tool_calls?: boolean;

  @ApiPropertyOptional({ type: ResponsesTextOptions })
  @IsOptional()
  @Checked('responsesText', textProblem)
  text?: ResponsesTextOptions;

  @OptionalNumberIn(0, 2)
  temperature?: number;

  @OptionalNumberIn(0, 1)
  top_p?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  max_output_tokens?: number;

  @ApiPropertyOptional({ description: "Only 'disabled'" })
  @IsOptional()
  @IsIn(['disabled'], { message: "truncation must be 'disabled': the chat agent bounds the conversation itself (max_history_tokens)" })
  truncation?: 'disabled';

  @ApiPropertyOptional({ description: 'Refused when true: responses are answered while the request waits' })
  @IsOptional()
  @Equals(false, { message: ResponsesMessages.unsupportedField('background', 'responses are answered while the request waits') })
  background?: boolean;

  @ApiPropertyOptional({ description: 'Refused: continue with previous_response_id' })
  @IsOptional()
  @Checked('noConversation', () => ResponsesMessages.unsupportedField('conversation', 'continue a response with previous_response_id'))
  conversation?: unknown;

  @ApiPropertyOptional({ description: 'Refused: prompt templates are not stored here' })
  @IsOptional()
  @Checked('noPrompt', () => ResponsesMessages.unsupportedField('prompt', 'send the text as instructions and input'))
  prompt?: unknown;

  // Accepted for compatibility with OpenAI clients, and ignored.
  @ApiPropertyOptional({ description: 'Accepted and ignored: the server has one model (GET /v1/models); responses name it' }) @IsOptional() @IsString() model?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Kept on the response' }) @IsOptional() @IsObject() metadata?: Record<string, string>;
  @ApiPropertyOptional({ description: 'Accepted and ignored: the user is who the identity says' }) @IsOptional() @IsString() user?: string;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsString() safety_identifier?: string;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsString() prompt_cache_key?: string;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsString() service_tier?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Accepted and ignored' }) @IsOptional() @IsObject() reasoning?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], description: 'Accepted and ignored' }) @IsOptional() @IsArray() include?: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Accepted and ignored' }) @IsOptional() @IsObject() stream_options?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsInt() top_logprobs?: number;
  @ApiPropertyOptional({ description: 'Accepted and ignored' }) @IsOptional() @IsInt() max_tool_calls?: number;
}
