import { IsIn, IsInt, IsNotEmpty, IsNumber, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { IsDuration } from '@userscope/runtime';
import { LlmCommonConfig } from './llm-common.config';

/** How a call asks for JSON: `json_schema` (response_format), `instructions` (in the prompt), `auto` (the first, else the second). */
export const STRUCTURED_OUTPUT_MODES = ['auto', 'json_schema', 'instructions'] as const;
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

/** `_type: openai`: any server speaking OpenAI's chat completions protocol (OpenAI, NIM, vLLM, Ollama...). */
export class OpenAiLlmConfig extends LlmCommonConfig {
  /** The model, as the server names it. */
  @IsString()
  @IsNotEmpty()
  model_name: string;

  /** The server's API root, e.g. `https://api.openai.com/v1` (the default) or `http://localhost:8001/v1`. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'base_url must be an http(s) URL, e.g. https://api.openai.com/v1' })
  base_url?: string;

  /** Read it from the environment: `api_key: ${OPENAI_API_KEY}`. Never logged. */
  @IsString({ message: 'api_key must be a string, e.g. api_key: ${OPENAI_API_KEY}' })
  @IsNotEmpty({ message: 'api_key must not be empty; is the environment variable it reads set?' })
  api_key: string;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  top_p?: number;

  /** Most tokens of one reply. */
  @IsOptional()
  @IsInt()
  @Min(1)
  max_tokens?: number;

  @IsOptional()
  @IsInt()
  seed?: number;

  /** How long one attempt may take; for a streamed reply, until it starts and between its chunks. */
  @IsDuration()
  timeout: number = 60;

  /** Retries of a call that failed with 429, 5xx, a timeout or a broken connection. */
  @IsInt()
  @Min(0)
  max_retries: number = 2;

  /** Backoff ceiling of the first retry; it doubles with each retry (the wait is jittered between half and all of it). */
  @IsDuration()
  retry_initial_delay: number = 0.5;

  /** Longest wait between attempts; a server asking to wait longer (Retry-After) is not retried. */
  @IsDuration()
  retry_max_delay: number = 20;

  /** How structured output is asked for: `auto` tries `json_schema` and falls back to `instructions` if the server refuses it. */
  @IsIn(STRUCTURED_OUTPUT_MODES, { message: `structured_output must be one of: ${STRUCTURED_OUTPUT_MODES.join(', ')}` })
  structured_output: StructuredOutputMode = 'auto';
}
