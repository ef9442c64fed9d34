import { LLM_REFERENCES_METADATA } from '../llm.constants';

/**
 * Marks a config field (a name, or a list of names) as naming configured LLMs, like the chat
 * agent's `llm_name: main`. References are checked at startup, with the rest of the config.
 */
export function LlmRef(): PropertyDecorator {
  return (target, key) => {
    const keys: string[] = Reflect.getMetadata(LLM_REFERENCES_METADATA, target.constructor) ?? [];
    Reflect.defineMetadata(LLM_REFERENCES_METADATA, [...keys, String(key)], target.constructor);
  };
}

/** The config fields of `configClass` that name LLMs. */
export function llmRefKeys(configClass: Function | undefined): string[] {
  return configClass ? (Reflect.getMetadata(LLM_REFERENCES_METADATA, configClass) ?? []) : [];
}
