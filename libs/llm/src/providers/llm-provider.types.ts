import { toMilliseconds } from '@userscope/runtime';
import { Type } from '@nestjs/common';
import { LlmProvider } from '../interfaces/llm.interface';
import { RetryOptions } from '../retry.policy';
import { EchoLlmConfig } from '../config/echo-llm.config';
import { OpenAiLlmConfig } from '../config/openai-llm.config';
import { EchoLlm } from './echo.llm';
import { OPENAI_DEFAULT_BASE_URL, OpenAiLlm } from './openai.llm';

/** An LLM `_type`: its config class, how to build it, how to retry it, and how to name it in logs. */
export interface LlmProviderType<C extends object = any> {
  config: Type<C>;
  create(name: string, config: C): LlmProvider;
  retry(config: C): RetryOptions;
  /** One line for the startup log. Never the API key. */
  describe(config: C): string;
  /** Config keys holding secrets: kept out of logs, JSON and inspection. */
  secrets: (keyof C & string)[];
}

const openai: LlmProviderType<OpenAiLlmConfig> = {
  config: OpenAiLlmConfig,
  create: (name, config) => new OpenAiLlm(name, config),
  retry: (config) => ({
    maxRetries: config.max_retries,
    initialDelayMs: toMilliseconds(config.retry_initial_delay),
    maxDelayMs: toMilliseconds(config.retry_max_delay),
  }),
  describe: (config) => `openai, model ${config.model_name} at ${config.base_url ?? OPENAI_DEFAULT_BASE_URL}`,
  secrets: ['api_key'],
};

const echo: LlmProviderType<EchoLlmConfig> = {
  config: EchoLlmConfig,
  create: (name, config) => new EchoLlm(name, config),
  retry: () => ({ maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 }),
  describe: (config) => `echo (not an LLM: replies with the last user message), model ${config.model_name}`,
  secrets: [],
};

/** The LLM types a config can name with `_type`. */
export const LLM_PROVIDER_TYPES: Readonly<Record<string, LlmProviderType>> = { openai, echo };
