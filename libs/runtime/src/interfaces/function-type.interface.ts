import { Type } from '@nestjs/common';

/** `per-user`: one instance per user session. `shared`: one instance for the whole server. */
export type FunctionScope = 'per-user' | 'shared';

/**
 * A class (validated with class-validator, documented with `@ApiProperty`), a plain primitive, or
 * `Object` for any JSON value.
 */
export type SchemaType = Type<unknown> | StringConstructor | NumberConstructor | BooleanConstructor | ObjectConstructor;

/** What a function type declares with `@PerUserFunction()` / `@SharedFunction()`. */
export interface FunctionTypeOptions {
  /** The `_type` that selects this type in YAML, e.g. `per_user_notepad`. */
  name: string;
  /** class-validator class for the type's config; omitted means the type takes no config keys. */
  config?: Type<object>;
  /** Input schema. Required. */
  input: SchemaType;
  /** Single output schema: the class implements `invoke(input)`. */
  output?: SchemaType;
  /** Streaming output schema: the class implements `stream(input)` returning an async iterable. */
  streamOutput?: SchemaType;
  /** Shown in docs and logs. */
  description?: string;
}

/** A registered function type: its options plus the class that implements it. */
export interface FunctionTypeDefinition extends FunctionTypeOptions {
  scope: FunctionScope;
  target: Type<object>;
}
