import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

/** A piece of text in a message: `input_text` from the client, `output_text` from the model. */
export class ResponseTextPart {
  @ApiProperty({ enum: ['input_text', 'output_text'] }) type: 'input_text' | 'output_text';
  @ApiProperty() text: string;
}

export class ResponseOutputText {
  @ApiProperty({ enum: ['output_text'] }) type: 'output_text';
  @ApiProperty() text: string;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Always empty' }) annotations: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'Always empty' }) logprobs: unknown[];
}

/** The model's answer as an output item. */
export class ResponseOutputMessage {
  @ApiProperty({ enum: ['message'] }) type: 'message';
  @ApiProperty({ description: 'An item_reference of a later request may name it' }) id: string;
  @ApiProperty({ enum: ['completed', 'in_progress', 'incomplete'] }) status: 'completed' | 'in_progress' | 'incomplete';
  @ApiProperty({ enum: ['assistant'] }) role: 'assistant';
  @ApiProperty({ type: [ResponseOutputText] }) content: ResponseOutputText[];
}

/** A call of one of the request's function tools, for the client to run and answer with a function_call_output item. */
export class ResponseFunctionCall {
  @ApiProperty({ enum: ['function_call'] }) type: 'function_call';
  @ApiPropertyOptional() id?: string;
  @ApiProperty({ description: 'The function_call_output that answers it names it' }) call_id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'The arguments, as the JSON text the model wrote' }) arguments: string;
  @ApiPropertyOptional({ enum: ['completed', 'in_progress', 'incomplete'] }) status?: 'completed' | 'in_progress' | 'incomplete';
}

export type ResponseOutputItem = ResponseOutputMessage | ResponseFunctionCall;

/** A message of the conversation, as an input item. */
export class ResponseInputMessage {
  @ApiPropertyOptional({ enum: ['message'] }) type?: 'message';
  @ApiProperty({ enum: ['user', 'assistant', 'system', 'developer'] }) role: 'user' | 'assistant' | 'system' | 'developer';
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { $ref: getSchemaPath(ResponseTextPart) } }] }) content: string | ResponseTextPart[];
  @ApiPropertyOptional() id?: string;
}

/** The result of a function_call, for the model. */
export class ResponseFunctionCallOutput {
  @ApiProperty({ enum: ['function_call_output'] }) type: 'function_call_output';
  @ApiProperty() call_id: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { $ref: getSchemaPath(ResponseTextPart) } }] }) output: string | ResponseTextPart[];
  @ApiPropertyOptional() id?: string;
}

/** An item of one of the caller's stored responses, by its id. */
export class ResponseItemReference {
  @ApiProperty({ enum: ['item_reference'] }) type: 'item_reference';
  @ApiProperty() id: string;
}

/** What an input item may be once references are resolved. */
export type ResponseInputItem = ResponseInputMessage | ResponseFunctionCall | ResponseFunctionCallOutput;

export class ResponseInputTokensDetails {
  @ApiProperty() cached_tokens: number;
}

export class ResponseOutputTokensDetails {
  @ApiProperty() reasoning_tokens: number;
}

export class ResponseUsage {
  @ApiProperty() input_tokens: number;
  @ApiProperty({ type: ResponseInputTokensDetails }) input_tokens_details: ResponseInputTokensDetails;
  @ApiProperty() output_tokens: number;
  @ApiProperty({ type: ResponseOutputTokensDetails }) output_tokens_details: ResponseOutputTokensDetails;
  @ApiProperty() total_tokens: number;
}

export class ResponseIncompleteDetails {
  @ApiProperty({ enum: ['max_output_tokens', 'content_filter'] }) reason: 'max_output_tokens' | 'content_filter';
}

export class ResponseFunctionTool {
  @ApiProperty({ enum: ['function'] }) type: 'function';
  @ApiProperty() name: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) parameters?: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) strict?: boolean | null;
}

export class ResponseTextFormat {
  @ApiProperty({ enum: ['text', 'json_object', 'json_schema'] }) type: 'text' | 'json_object' | 'json_schema';
  @ApiPropertyOptional({ description: 'With json_schema' }) name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'With json_schema: the schema the answer matches' }) schema?: Record<string, unknown>;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ type: Boolean, nullable: true }) strict?: boolean | null;
}

export class ResponseTextConfig {
  @ApiProperty({ type: ResponseTextFormat }) format: ResponseTextFormat;
}

/** A response of `POST /v1/responses`, as OpenAI's Responses API gives it. */
@ApiExtraModels(ResponseOutputMessage, ResponseFunctionCall, ResponseTextPart)
export class ResponseObject {
  @ApiProperty({ example: 'resp_4f0e…' }) id: string;
  @ApiProperty({ enum: ['response'] }) object: 'response';
  @ApiProperty({ description: 'Unix time, seconds' }) created_at: number;
  @ApiProperty({ enum: ['completed', 'incomplete', 'in_progress', 'failed'] }) status: 'completed' | 'incomplete' | 'in_progress' | 'failed';
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, description: 'Always null: a failed response is an error reply' }) error: null;
  @ApiProperty({ type: ResponseIncompleteDetails, nullable: true }) incomplete_details: ResponseIncompleteDetails | null;
  @ApiProperty({ type: String, nullable: true }) instructions: string | null;
  @ApiProperty({ type: Number, nullable: true }) max_output_tokens: number | null;
  @ApiProperty({ description: "The server's model name (general.front_end.model_name)" }) model: string;
  @ApiProperty({ type: 'array', items: { oneOf: [{ $ref: getSchemaPath(ResponseOutputMessage) }, { $ref: getSchemaPath(ResponseFunctionCall) }] } })
  output: ResponseOutputItem[];
  @ApiProperty() parallel_tool_calls: boolean;
  @ApiProperty({ type: String, nullable: true }) previous_response_id: string | null;
  @ApiProperty({ description: 'Whether it is kept for GET, DELETE and previous_response_id' }) store: boolean;
  @ApiProperty({ type: Number, nullable: true }) temperature: number | null;
  @ApiProperty({ type: ResponseTextConfig }) text: ResponseTextConfig;
  @ApiProperty({ description: "'auto', 'none', 'required', or {type: 'function', name}", oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] })
  tool_choice: string | { type: 'function'; name: string };
  @ApiProperty({ type: [ResponseFunctionTool] }) tools: ResponseFunctionTool[];
  @ApiProperty({ type: Number, nullable: true }) top_p: number | null;
  @ApiProperty({ enum: ['disabled'] }) truncation: 'disabled';
  @ApiProperty({ type: ResponseUsage, nullable: true, description: 'Tokens of every LLM call the response took' }) usage: ResponseUsage | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) metadata: Record<string, string>;
}

/** What `DELETE /v1/responses/{id}` answers. */
export class ResponseDeleted {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['response'] }) object: 'response';
  @ApiProperty({ enum: [true] }) deleted: true;
}
