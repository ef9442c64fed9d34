import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ChatToolCall, ChatToolCallFunction } from './chat-tool.dto';

export class ChatUsage {
  @ApiProperty() prompt_tokens: number;
  @ApiProperty() completion_tokens: number;
  @ApiProperty() total_tokens: number;
}

export class ChatResponseMessage {
  @ApiProperty({ enum: ['assistant'] }) role: 'assistant';
  @ApiProperty({ type: String, nullable: true }) content: string | null;
  @ApiPropertyOptional({ type: [ChatToolCall], description: "Calls of the request's client-side tools, for the client to run (finish_reason 'tool_calls')" })
  tool_calls?: ChatToolCall[];
}

export class ChatResponseChoice {
  @ApiProperty() index: number;
  @ApiProperty({ type: ChatResponseMessage }) message: ChatResponseMessage;
  @ApiProperty({ enum: ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'] }) finish_reason: string;
}

/** A chat reply, as NAT's `/chat` and OpenAI's `/v1/chat/completions` give it. */
export class ChatResponse {
  @ApiProperty({ example: 'chatcmpl-4f0e…' }) id: string;
  @ApiProperty({ enum: ['chat.completion'] }) object: 'chat.completion';
  @ApiProperty({ description: 'Unix time, seconds' }) created: number;
  @ApiProperty({ description: "The server's model name (general.front_end.model_name; GET /v1/models lists it)" }) model: string;
  @ApiProperty({ type: [ChatResponseChoice] }) choices: ChatResponseChoice[];
  @ApiProperty({ type: ChatUsage, description: 'Tokens of every LLM call the reply took' }) usage: ChatUsage;
}

/** A piece of a streamed tool call: the first of a call has its `id`, `type` and name; `arguments` come in pieces. */
export class ChatToolCallDelta {
  @ApiProperty({ description: 'Which call of the reply this piece belongs to' }) index: number;
  @ApiPropertyOptional() id?: string;
  @ApiPropertyOptional({ enum: ['function'] }) type?: 'function';
  @ApiPropertyOptional({ type: ChatToolCallFunction }) function?: Partial<ChatToolCallFunction>;
}

export class ChatDelta {
  @ApiPropertyOptional({ enum: ['assistant'] }) role?: 'assistant';
  @ApiPropertyOptional() content?: string;
  @ApiPropertyOptional({ type: [ChatToolCallDelta] }) tool_calls?: ChatToolCallDelta[];
}

export class ChatResponseChunkChoice {
  @ApiProperty() index: number;
  @ApiProperty({ type: ChatDelta }) delta: ChatDelta;
  @ApiProperty({ type: String, nullable: true, enum: ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'] }) finish_reason: string | null;
}

/** One chunk of a streamed chat reply; the last has `finish_reason` and the usage. */
export class ChatResponseChunk {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['chat.completion.chunk'] }) object: 'chat.completion.chunk';
  @ApiProperty() created: number;
  @ApiProperty() model: string;
  @ApiProperty({ type: [ChatResponseChunkChoice] }) choices: ChatResponseChunkChoice[];
  @ApiPropertyOptional({ type: ChatUsage, nullable: true }) usage?: ChatUsage | null;
}
