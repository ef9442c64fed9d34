/** What to do when a template names a user field the user does not have. */
export type MissingFieldPolicy = { kind: 'error' } | { kind: 'empty' } | { kind: 'default'; text: string };

/** A template that could not be filled. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** The data a template is filled from: the user's record and the outputs of earlier nodes. */
export interface TemplateContext {
  user: Record<string, unknown>;
  nodes: Record<string, unknown>;
}

const PLACEHOLDER = /\{\{\s*(user|node):([^}\s]+)\s*\}\}/g;
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

/** Parses a missing-field policy: `error`, `empty`, or `default:<text>`. */
export function parseMissingPolicy(value: string): MissingFieldPolicy | undefined {
  if (value === 'error' || value === 'empty') return { kind: value };
  if (value.startsWith('default:')) return { kind: 'default', text: value.slice('default:'.length) };
  return undefined;
}

/** The placeholders of `template`, as `user:a.b` / `node:1.hook`; throws on a forbidden path. */
export function placeholdersOf(template: string): { source: 'user' | 'node'; path: string[] }[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => ({ source: match[1] as 'user' | 'node', path: checkedPath(match[2]) }));
}

/** The user fields `template` uses (`name`, `preferences.platform`). */
export function userFieldsOf(template: string): string[] {
  return placeholdersOf(template)
    .filter((placeholder) => placeholder.source === 'user')
    .map((placeholder) => placeholder.path.join('.'));
}

/**
 * Fills every placeholder in one pass: values are inserted as text, never evaluated, and an inserted
 * value that itself looks like a placeholder stays as it is. Each value is cut to `maxLength`.
 */
export function renderTemplate(template: string, context: TemplateContext, policy: MissingFieldPolicy, maxLength: number): string {
  return template.replace(PLACEHOLDER, (_whole, source: 'user' | 'node', rawPath: string) => {
    const path = checkedPath(rawPath);
    const found = lookup(source === 'user' ? context.user : context.nodes, path);
    if (found === undefined || found === null || found === '') {
      if (source === 'node') throw new TemplateError(`{{node:${rawPath}}} names no output of an earlier node`);
      if (policy.kind === 'error') throw new TemplateError(`the user has no field '${path.join('.')}'`);
      return policy.kind === 'default' ? policy.text : '';
    }
    const text = typeof found === 'string' ? found : JSON.stringify(found);
    return text.length > maxLength ? text.slice(0, maxLength) : text;
  });
}

/** The user fields among `fields` that `user` lacks. */
export function missingFields(user: Record<string, unknown>, fields: string[]): string[] {
  return fields.filter((field) => {
    const value = lookup(user, field.split('.'));
    return value === undefined || value === null || value === '';
  });
}

function checkedPath(raw: string): string[] {
  const path = raw.split('.');
  for (const segment of path) {
    if (!segment || FORBIDDEN_SEGMENTS.has(segment)) throw new TemplateError(`the path '${raw}' is not allowed in a template`);
  }
  return path;
}

/** The value at dotted `path` of a user's fields (own properties only), or undefined. */
export function userField(user: Record<string, unknown> | undefined, path: string): unknown {
  return lookup(user, path.split('.'));
}

/** Reads own properties only, so nothing reaches a prototype. */
function lookup(root: unknown, path: string[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
