import { FUNCTION_REFERENCES_METADATA } from '../runtime.constants';

/**
 * Marks a config field (a name, or a list of names) as a reference to other configured functions,
 * like the assistant's `notepad_name: notepad`. References are checked at startup and make the
 * dependency graph knowable before any user exists.
 */
export function FunctionRef(): PropertyDecorator {
  return (target, key) => {
    const keys: string[] = Reflect.getMetadata(FUNCTION_REFERENCES_METADATA, target.constructor) ?? [];
    Reflect.defineMetadata(FUNCTION_REFERENCES_METADATA, [...keys, String(key)], target.constructor);
  };
}

/** The config fields of `configClass` that reference other functions. */
export function functionRefKeys(configClass: Function | undefined): string[] {
  return configClass ? (Reflect.getMetadata(FUNCTION_REFERENCES_METADATA, configClass) ?? []) : [];
}
