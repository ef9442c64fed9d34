import type { WorkflowNode } from '@/lib/api';
import { templateParts } from '../workflows/template-text';

/** What a template may refer to at one node: the directory's user fields and the nodes before it. */
export interface TemplateScope {
  /** Dotted paths the directory's users have (`preferences.platform`). */
  userFields: readonly string[];
  /** The earlier nodes, in order, each with the field paths of its structured output (undefined: any shape, as a function's). */
  nodes: readonly { id: string; label: string; fields?: readonly string[]; text?: boolean }[];
}

/** One entry of the completion list: what is inserted, and what the list shows beside it. */
export interface Suggestion {
  value: string;
  detail?: string;
}

/** The placeholder being typed at the cursor: `{{user:pre|` is `{ source: 'user', query: 'pre' }`. */
export interface CompletionContext {
  source: 'user' | 'node' | 'start';
  query: string;
  /** Where the inserted text begins (after `{{user:`, or after `{{` for `start`). */
  from: number;
}

const OPEN = /\{\{\s*((?:user|node):)?([^{}\s]*)$/;

/** The placeholder the cursor is inside, still open (no `}}` before the cursor), or undefined. */
export function completionAt(text: string, cursor: number): CompletionContext | undefined {
  const before = text.slice(0, cursor);
  const open = before.lastIndexOf('{{');
  if (open < 0 || before.indexOf('}}', open) >= 0) return undefined;
  const match = OPEN.exec(before.slice(open));
  if (!match) return undefined;
  const [, prefix, query] = match;
  if (!prefix) {
    // `{{us`: offer the two kinds, as long as what is typed could start one.
    if (!'user:'.startsWith(query) && !'node:'.startsWith(query)) return undefined;
    return { source: 'start', query, from: cursor - query.length };
  }
  return { source: prefix === 'user:' ? 'user' : 'node', query, from: cursor - query.length };
}

/** What completes `context` in `scope`: fields and nodes starting with the query first, then those containing it. */
export function suggestionsFor(context: CompletionContext, scope: TemplateScope, limit = 50): Suggestion[] {
  let all: Suggestion[];
  if (context.source === 'start') {
    all = [
      { value: 'user:', detail: 'a field of the user' },
      ...(scope.nodes.length > 0 ? [{ value: 'node:', detail: 'the output of an earlier node' }] : []),
    ];
  } else if (context.source === 'user') {
    all = scope.userFields.map((field) => ({ value: field }));
  } else {
    all = scope.nodes.flatMap((node) => [
      { value: node.id, detail: node.label },
      ...(node.fields ?? []).map((field) => ({ value: `${node.id}.${field}`, detail: node.label })),
    ]);
  }
  const query = context.query.toLowerCase();
  const starts = all.filter((s) => s.value.toLowerCase().startsWith(query));
  const contains = all.filter((s) => !s.value.toLowerCase().startsWith(query) && s.value.toLowerCase().includes(query));
  return [...starts, ...contains].slice(0, limit);
}

/** `text` with the suggestion put in place of the query, the placeholder closed; and where the cursor goes. */
export function applySuggestion(text: string, cursor: number, context: CompletionContext, suggestion: Suggestion): { text: string; cursor: number } {
  const head = text.slice(0, context.from) + suggestion.value;
  if (context.source === 'start') return { text: head + text.slice(cursor), cursor: head.length };
  let rest = text.slice(cursor);
  // Typing inside an existing `{{user:na}}`: replace up to its end rather than leave `me}}` behind.
  const tail = /^[^{}\s]*\s*\}\}/.exec(rest);
  rest = tail ? rest.slice(tail[0].length) : rest;
  return { text: `${head}}}${rest}`, cursor: head.length + 2 };
}

/** A placeholder the scope does not know, and why. */
export interface UnknownPlaceholder {
  placeholder: string;
  reason: string;
}

/** The placeholders of `template` that name no user field the directory has, or no earlier node (or field of its output). */
export function unknownPlaceholders(template: string, scope: TemplateScope): UnknownPlaceholder[] {
  const unknown: UnknownPlaceholder[] = [];
  for (const part of templateParts(template)) {
    if (!part.kind) continue;
    const reason = part.kind === 'user' ? unknownUserField(part.ref!, scope) : unknownNodeRef(part.ref!, scope);
    if (reason) unknown.push({ placeholder: part.text, reason });
  }
  return unknown;
}

function unknownUserField(path: string, scope: TemplateScope): string | undefined {
  if (path === 'id' || path === 'name') return undefined;
  // `preferences` names the object of `preferences.platform`: a field too.
  const known = scope.userFields.some((field) => field === path || field.startsWith(`${path}.`));
  return known ? undefined : `no user in the directory has the field “${path}”`;
}

function unknownNodeRef(ref: string, scope: TemplateScope): string | undefined {
  const [id, ...path] = ref.split('.');
  const node = scope.nodes.find((candidate) => candidate.id === id);
  if (!node) return `“${id}” is not an earlier node`;
  if (path.length === 0 || !node.fields) return undefined;
  if (node.text) return `node ${id} answers text, which has no fields`;
  const field = path.join('.');
  return node.fields.includes(field) ? undefined : `node ${id}'s output has no field “${field}”`;
}

/** The dotted property paths of an object JSON schema (nested objects too, at most 4 deep). */
export function schemaFieldPaths(schema: unknown, depth = 0): string[] {
  if (!schema || typeof schema !== 'object' || depth > 3) return [];
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  if (!properties || typeof properties !== 'object') return [];
  return Object.entries(properties).flatMap(([key, child]) => [key, ...schemaFieldPaths(child, depth + 1).map((path) => `${key}.${path}`)]);
}

/** The scope of the node at `index`: every user field, and the nodes before it with their outputs' fields. */
export function scopeAt(nodes: readonly WorkflowNode[], index: number, userFields: readonly string[]): TemplateScope {
  return {
    userFields,
    nodes: nodes.slice(0, index).map((node) => ({
      id: node.id,
      label: node.name ? `${node.name} (${node.type})` : node.type,
      ...(node.type === 'llm' && node.output_schema ? { fields: schemaFieldPaths(node.output_schema) } : {}),
      ...(node.type === 'llm' && !node.output_schema ? { fields: [], text: true } : {}),
      ...(node.type === 'template' ? { fields: [], text: true } : {}),
    })),
  };
}
