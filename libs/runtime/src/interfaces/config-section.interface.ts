import type { ConfigIssue } from '../exceptions/config.exception';
import type { FunctionTypeRegistry } from '../function-type.registry';
import type { GeneralConfig } from '../config/general.config';

/**
 * A part of the config file that a library types (the LLM library's `llms:`, batch's `batch:`), checked
 * by `resolveConfig` with the rest of the file so that every issue is reported at once.
 */
export interface ConfigSection<T = unknown> {
  /** Where it sits: a top-level key (`llms`), or one key of `general:` (`general.identity`). */
  readonly key: string;
  /**
   * The section's typed value from what the file holds there (`undefined` when absent). Each problem
   * goes to `context.issues` under its key path; the value returned then is never used.
   */
  check(value: unknown, context: ConfigSectionContext): T;
}

/** What a section's check may read besides its own value. */
export interface ConfigSectionContext {
  /** The config file, for messages. */
  readonly file: string;
  /** Its folder, which relative paths in the file start from. */
  readonly dir: string;
  readonly general: GeneralConfig;
  readonly registry: FunctionTypeRegistry;
  /** Every configured function's name: those of groups, and the workflow's, included. */
  readonly functions: readonly string[];
  /** Whether `name` is a function one may call: a configured one, or a selected one of a discovered group (`tickets__create_ticket`). */
  isFunction(name: string): boolean;
  /** Each entry of `functions:`, `function_groups:` and `workflow:` as written, also those with issues. */
  readonly entries: readonly ConfigEntry[];
  /** The value of a section checked before this one (they are checked in the order given). */
  section<T>(section: ConfigSection<T>): T | undefined;
  readonly issues: ConfigIssue[];
}

/** An entry of `functions:`, `function_groups:` or `workflow:`, as the file has it. */
export interface ConfigEntry {
  /** `functions.notepad`, `function_groups.calc`, `workflow`. */
  path: string;
  /** Its keys, `_type` included. */
  settings: Record<string, unknown>;
  /** The config class of its `_type`, when that type is registered and has one. */
  configClass?: new () => object;
}
