import { IsNotEmpty, IsString } from 'class-validator';

/** `_type: echo`: the deterministic stand-in for demos and tests. Not an LLM. */
export class EchoLlmConfig {
  /** The name it answers as (`model` of its replies). */
  @IsString()
  @IsNotEmpty()
  model_name: string = 'echo';
}
