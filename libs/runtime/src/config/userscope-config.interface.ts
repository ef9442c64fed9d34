import { RegisteredFunctionGroupType, RegisteredFunctionType } from '../function-type.registry';
import { GeneralConfig } from './general.config';

/** A function from the `functions:` section (or the `workflow:` section), validated against its type. */
export interface ConfiguredFunction {
  /** Its name in YAML; the workflow is `<workflow>`. */
  name: string;
  /** Where it sits in the file, for messages: `functions.notepad`, `workflow`. */
  path: string;
  type: RegisteredFunctionType;
  /** An instance of the type's config class, defaults applied. */
  config: object;
  /** Names of the configured functions its config refers to (`@FunctionRef()` fields). */
  references: string[];
  /** For a function of a group (`calc__add`): the group's configured name. */
  group?: string;
}

/** A group from the `function_groups:` section: one instance (per user, or shared) behind its functions. */
export interface ConfiguredFunctionGroup {
  name: string;
  path: string;
  type: RegisteredFunctionGroupType;
  config: object;
  references: string[];
  /** The functions it exposes after `include`/`exclude`, named `<group>__<function>`. A discovered group's: those known at startup (included or referred to). */
  functions: ConfiguredFunction[];
  /** `include`/`exclude` as written: a discovered group applies them to the functions it finds. */
  selection: { include?: string[]; exclude?: string[] };
}

/** A loaded config file, every function validated. */
export interface UserscopeConfig {
  file: string;
  general: GeneralConfig;
  /** Every configured function by name, the workflow included. */
  functions: Map<string, ConfiguredFunction>;
  workflow: ConfiguredFunction;
  /** Every configured function group by name. */
  groups: Map<string, ConfiguredFunctionGroup>;
  /** The value of each library's section, by key; read with `configSection(config, section)`. */
  sections: ReadonlyMap<string, unknown>;
  /** Things that were accepted but ignored, for the log. */
  warnings: string[];
}

/** A config file read from disk: YAML parsed, environment interpolated, not yet validated. */
export interface RawConfig {
  file: string;
  dir: string;
  document: Record<string, unknown>;
}
