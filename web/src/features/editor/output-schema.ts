/** The types the field builder offers; `object` is any JSON object. */
export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'object'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** One field of a structured output, as the builder edits it. */
export interface OutputField {
  name: string;
  type: FieldType;
  required: boolean;
  /** A list of `type` rather than one. */
  array: boolean;
}

const TOP_KEYS = new Set(['type', 'properties', 'required', 'additionalProperties']);

/** The schema of `fields`: an object with those properties, the required ones listed. */
export function schemaOf(fields: readonly OutputField[], base: Record<string, unknown> = {}): Record<string, unknown> {
  const properties = Object.fromEntries(
    fields.map((field) => [field.name, field.array ? { type: 'array', items: { type: field.type } } : { type: field.type }]),
  );
  const required = fields.filter((field) => field.required).map((field) => field.name);
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    ...('additionalProperties' in base ? { additionalProperties: base.additionalProperties } : {}),
  };
}

/** The builder's fields of `schema`, or undefined when it says more than the builder can show (then it is edited as JSON). */
export function fieldsOf(schema: unknown): OutputField[] | undefined {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return undefined;
  const object = schema as Record<string, unknown>;
  if (object.type !== 'object' || Object.keys(object).some((key) => !TOP_KEYS.has(key))) return undefined;
  const properties = object.properties ?? {};
  if (typeof properties !== 'object' || Array.isArray(properties)) return undefined;
  const required = new Set(Array.isArray(object.required) ? object.required : []);
  const fields: OutputField[] = [];
  for (const [name, property] of Object.entries(properties as Record<string, unknown>)) {
    const plain = plainType(property);
    if (plain) {
      fields.push({ name, type: plain, required: required.has(name), array: false });
      continue;
    }
    const p = property as Record<string, unknown> | undefined;
    const item = p && p.type === 'array' && Object.keys(p).length === 2 ? plainType(p.items) : undefined;
    if (!item) return undefined;
    fields.push({ name, type: item, required: required.has(name), array: true });
  }
  return fields;
}

function plainType(schema: unknown): FieldType | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  const keys = Object.keys(schema);
  const type = (schema as { type?: unknown }).type;
  return keys.length === 1 && (FIELD_TYPES as readonly unknown[]).includes(type) ? (type as FieldType) : undefined;
}

/** What is wrong with the builder's fields before the server sees them: names empty or used twice. */
export function fieldProblems(fields: readonly OutputField[]): Map<number, string> {
  const problems = new Map<number, string>();
  const seen = new Map<string, number>();
  fields.forEach((field, index) => {
    const name = field.name.trim();
    if (!name) problems.set(index, 'Give the field a name.');
    else if (seen.has(name)) problems.set(index, `“${name}” is used by another field.`);
    seen.set(name, index);
  });
  return problems;
}
