import type { SchemaObject } from '@nestjs/swagger';
import { SchemaType } from '../interfaces/function-type.interface';
import { addModelSchema } from '../internals/library-internals';

/** A type's JSON schema: a `$ref` (or inline primitive schema) plus the named schemas it needs. */
export interface TypeSchema {
  schema: SchemaObject | { $ref: string };
  components: Record<string, SchemaObject>;
}

const PRIMITIVES = new Map<unknown, SchemaObject>([
  [String, { type: 'string' }],
  [Number, { type: 'number' }],
  [Boolean, { type: 'boolean' }],
]);

/** `Object` as an input or output type means any JSON value. */
export const ANY_JSON_SCHEMA: SchemaObject = { description: 'Any JSON value' };

export function isPrimitiveType(type: SchemaType): boolean {
  return PRIMITIVES.has(type);
}

/** Builds the JSON schema of an input or output type, at startup, without any instance. */
export function describeType(type: SchemaType): TypeSchema {
  const primitive = PRIMITIVES.get(type);
  if (primitive) return { schema: { ...primitive }, components: {} };
  if (type === Object) return { schema: { ...ANY_JSON_SCHEMA }, components: {} };
  const components: Record<string, SchemaObject> = {};
  // @nestjs/swagger's own factory, so `@ApiProperty` descriptions and defaults read as in Nest's documents.
  const name = addModelSchema(type, components);
  return { schema: { $ref: `#/components/schemas/${name}` }, components };
}

/** The schema with its top-level `$ref` replaced by the component it points to (for logs and docs). */
export function inlineSchema(typeSchema: TypeSchema): SchemaObject {
  const ref = (typeSchema.schema as { $ref?: string }).$ref;
  if (!ref) return typeSchema.schema as SchemaObject;
  return typeSchema.components[ref.slice('#/components/schemas/'.length)];
}
