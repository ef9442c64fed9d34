import { Type } from '@nestjs/common';
import { FunctionScope, SchemaType } from './function-type.interface';

/** What `@PerUserFunctionGroup()` / `@SharedFunctionGroup()` declare. */
export interface FunctionGroupOptions {
  /** The `_type` that selects this group in the `function_groups:` section. */
  name: string;
  /** class-validator class for the group's config (`include`/`exclude` are added by Userscope). */
  config?: Type<object>;
  description?: string;
  /**
   * The group's functions are found at run time (an MCP server's tools), not declared with
   * `@GroupFunction()`: the class implements `DiscoveredFunctionGroup`, and `include`/`exclude`
   * name functions that cannot be checked at startup.
   */
  discovered?: boolean;
}

/** What `@GroupFunction()` declares on a method of a group class. */
export interface GroupFunctionOptions {
  /** The function's name in the group (default: the method name); addressed as `<group>__<name>`. */
  name?: string;
  input: SchemaType;
  /** Single output: the method returns the value (or a promise of it). */
  output?: SchemaType;
  /** Streaming output: the method returns an async iterable. */
  streamOutput?: SchemaType;
  description?: string;
}

/** A group's function as recorded on its class. */
export interface GroupFunctionDefinition extends GroupFunctionOptions {
  name: string;
  method: string;
}

/** A registered function group type. */
export interface FunctionGroupDefinition extends FunctionGroupOptions {
  scope: FunctionScope;
  target: Type<object>;
  functions: GroupFunctionDefinition[];
}
