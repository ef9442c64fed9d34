import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ChatUsage {
  @ApiProperty() prompt_tokens: number;
  @ApiProperty() completion_tokens: number;
  @ApiProperty() total_tokens: number;
}

export class ChatResponseMessage {
  @ApiProperty({ enum: ['assistant'] }) role: 'assistant';
  @ApiProperty({ type: String, nullable: true }) content: string | null;
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
  @ApiProperty({ description: 'The model that answered' }) model: string;
  @ApiProperty({ type: [ChatResponseChoice] }) choices: ChatResponseChoice[];
  @ApiProperty({ type: ChatUsage, description: 'Tokens of every LLM call the reply took' }) usage: ChatUsage;
}

export class ChatDelta {
  @ApiPropertyOptional({ enum: ['assistant'] }) role?: 'assistant';
  @ApiPropertyOptional() content?: string;
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
