/** Metadata key under which a function type's options are stored on its class. */
export const FUNCTION_TYPE_METADATA = 'userscope:function-type';
/** Metadata key under which a function group type's options are stored on its class. */
export const FUNCTION_GROUP_METADATA = 'userscope:function-group';
/** Metadata key listing the `@GroupFunction()` methods of a group class. */
export const GROUP_FUNCTIONS_METADATA = 'userscope:group-functions';
/** Joins a group's configured name and a function's name: `calc__add`, as NAT addresses them. */
export const GROUP_FUNCTION_SEPARATOR = '__';
/** Metadata key under which a plugin module lists the function types it provides. */
export const PLUGIN_METADATA = 'userscope:plugin';
/** Metadata key marking config fields that name other configured functions. */
export const FUNCTION_REFERENCES_METADATA = 'userscope:function-references';

/**
 * Placeholder injected as `@InjectFunctionConfig()`. Each configured function gets its own provider
 * whose constructor metadata swaps this placeholder for that function's validated config.
 */
export const FUNCTION_CONFIG = Symbol.for('userscope:function-config');
/** Placeholder for the configured name of the function being built (`notepad`, `<workflow>`). */
export const FUNCTION_NAME = Symbol.for('userscope:function-name');

/** The loaded, validated configuration (`UserscopeConfig`). */
export const USERSCOPE_CONFIG = Symbol.for('userscope:config');

/** The name under which the `workflow:` section is registered, as NAT names it. */
export const WORKFLOW_NAME = '<workflow>';

export const SESSION_ID_PATTERN = /^[A-Za-z0-9\-_.~]{1,128}$/;

/** The DI token of the configured function `name`. */
export function functionToken(name: string): string {
  return `userscope:function:${name}`;
}

/** The DI token of the validated config of the configured function `name`. */
export function functionConfigToken(name: string): string {
  return `userscope:function-config:${name}`;
}

/** The DI token of the configured name of the function `name` (what `@InjectFunctionName()` gets). */
export function functionNameToken(name: string): string {
  return `userscope:function-name:${name}`;
}

/** The DI token of the configured function group `name`. */
export function functionGroupToken(name: string): string {
  return `userscope:function-group:${name}`;
}

/** The `RunAdmission` that caps each user's runs in flight, when one is provided (by `@userscope/llm`). */
export const RUN_ADMISSION = Symbol.for('userscope:run-admission');
