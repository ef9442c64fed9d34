import { ApiProperty } from '@nestjs/swagger';
import { IsArray, IsInt, IsNotEmpty, IsString, Min } from 'class-validator';
import { FunctionRef } from '@userscope/runtime';
import { LlmRef } from '../decorators/llm-ref.decorator';

export class PerUserChatAgentConfig {
  @ApiProperty({ description: 'The LLM of the llms: section that the agent talks to' })
  @IsString()
  @IsNotEmpty()
  @LlmRef()
  llm_name: string;

  @ApiProperty({ description: 'Functions the model may call, by their configured names (per-user and shared)', type: [String], default: [] })
  @IsArray()
  @IsString({ each: true })
  @FunctionRef()
  tool_names: string[] = [];

  @ApiProperty({ description: 'The system prompt, first in every call', default: 'You are a helpful assistant.' })
  @IsString()
  system_prompt: string = 'You are a helpful assistant. Use the tools you are given when they help to answer.';

  @ApiProperty({ description: 'Most LLM calls for one user message (each round of tool calls is one)', default: 8 })
  @IsInt()
  @Min(1)
  max_iterations: number = 8;

  @ApiProperty({ description: "Most messages of a user's conversation kept in memory; the oldest go first", default: 40 })
  @IsInt()
  @Min(0)
  max_history_messages: number = 40;

  @ApiProperty({ description: "Most tokens of a user's conversation kept in memory; the oldest messages go first", default: 8000 })
  @IsInt()
  @Min(0)
  max_history_tokens: number = 8000;
}
