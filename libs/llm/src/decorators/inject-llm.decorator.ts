import { Inject } from '@nestjs/common';
import { llmToken } from '../llm.constants';

/**
 * Injects the configured LLM `name` (an `LlmClient`). For a name that comes from config, inject
 * `LlmRegistry` and call `get(config.llm_name)` instead.
 */
export const InjectLlm = (name: string): PropertyDecorator & ParameterDecorator => Inject(llmToken(name));
