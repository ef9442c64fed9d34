import { IsNotEmpty, IsString } from 'class-validator';
import { LlmCommonConfig } from './llm-common.config';

/** `_type: echo`: the deterministic stand-in for demos and tests. Not an LLM. */
export class EchoLlmConfig extends LlmCommonConfig {
  /** The name it answers as (`model` of its replies). */
  @IsString()
  @IsNotEmpty()
  model_name: string = 'echo';
}
