import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { schemaProblem } from '../structured-output';

export class ChatJsonSchema {
  @ApiProperty({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) name: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The JSON schema the reply must match' }) schema?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'The reply must match the schema exactly (it is validated either way)' }) strict?: boolean;
}

/**
 * `response_format`: `text` (the default), `json_object` (the reply is a JSON object) or
 * `json_schema` (the reply is JSON matching `json_schema.schema`, validated; a reply that is not is a 422).
 */
export class ChatResponseFormat {
  @ApiProperty({ enum: ['text', 'json_object', 'json_schema'] }) type: 'text' | 'json_object' | 'json_schema';
  @ApiPropertyOptional({ type: ChatJsonSchema, description: 'With `type: json_schema`' }) json_schema?: ChatJsonSchema;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** What is wrong with a `response_format`, or undefined when it is fine. */
export function responseFormatProblem(value: unknown): string | undefined {
  const format = value as Partial<ChatResponseFormat> | null;
  if (!format || typeof format !== 'object' || Array.isArray(format)) return 'response_format must be an object with a type';
  if (format.type === 'text' || format.type === 'json_object') return undefined;
  if (format.type !== 'json_schema') return "response_format.type must be one of: text, json_object, json_schema";
  const schema = format.json_schema;
  if (!schema || typeof schema !== 'object') return 'response_format.json_schema is required with type json_schema';
  if (typeof schema.name !== 'string' || !NAME.test(schema.name)) return 'response_format.json_schema.name must be 1 to 64 letters, digits, _ or -';
  if (schema.schema !== undefined && (typeof schema.schema !== 'object' || schema.schema === null || Array.isArray(schema.schema))) {
    return 'response_format.json_schema.schema must be a JSON schema (an object)';
  }
  const unusable = schema.schema && schemaProblem(schema.schema);
  if (unusable) return `response_format.json_schema.schema is not a valid JSON schema: ${unusable}`;
  if (schema.strict !== undefined && typeof schema.strict !== 'boolean') return 'response_format.json_schema.strict must be a boolean';
  return undefined;
}
