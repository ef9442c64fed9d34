import type { SchemaObject } from '@nestjs/swagger';
import type { ConfiguredFunction } from '../config/userscope-config.interface';
import { inlineSchema, TypeSchema } from './type-schema';

/** The argument that carries an input which is not a JSON object (a string, a number, any JSON). */
export const WRAPPED_INPUT = 'input';

/**
 * A function's input schema as a tool's `parameters`: an object schema with every `$ref` replaced by
 * the component it names. An input that is not an object (a string, a number, any JSON) is wrapped
 * as the one property `input`.
 */
export function toolParameters(inputSchema: TypeSchema): { parameters: Record<string, unknown>; wrapped: boolean } {
  const schema = resolveRefs(inlineSchema(inputSchema), inputSchema.components, new Set()) as Record<string, unknown>;
  if (schema.type === 'object') return { parameters: schema, wrapped: false };
  return { parameters: { type: 'object', properties: { [WRAPPED_INPUT]: schema }, required: [WRAPPED_INPUT] }, wrapped: true };
}

/**
 * A configured function as a tool: `toolParameters` of its input. A discovered group's function (an
 * MCP tool) takes a JSON object, whose schema the group finds at run time: an open object until then,
 * never wrapped.
 */
export function toolParametersOf(fn: ConfiguredFunction): { parameters: Record<string, unknown>; wrapped: boolean } {
  if (fn.type.discovered !== undefined) return { parameters: { type: 'object' }, wrapped: false };
  return toolParameters(fn.type.inputSchema);
}

const REF_PREFIX = '#/components/schemas/';

function resolveRefs(schema: unknown, components: Record<string, SchemaObject>, resolving: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => resolveRefs(item, components, resolving));
  if (!schema || typeof schema !== 'object') return schema;
  const ref = (schema as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) {
    const name = ref.slice(REF_PREFIX.length);
    // A type that contains itself cannot be inlined; the model gets an open object there.
    if (resolving.has(name) || !components[name]) return { type: 'object' };
    return resolveRefs(components[name], components, new Set([...resolving, name]));
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, resolveRefs(value, components, resolving)]));
}

/** The function's input from a tool call's arguments: for a `wrapped` input, the `input` argument. */
export function toolInput(args: unknown, wrapped: boolean): unknown {
  return wrapped && args && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>)[WRAPPED_INPUT] : args;
}
