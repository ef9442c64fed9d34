import type { User, UserBody } from '@/lib/api';

/** How a field's value is typed in the editor, and sent: text as it is, the others parsed. */
export type FieldType = 'text' | 'number' | 'boolean' | 'json';

/** One free field of a user as the editor shows it: a dotted path (`preferences.platform`) and its value. */
export interface FieldRow {
  path: string;
  type: FieldType;
  value: string;
}

/** Keys the server refuses anywhere in a user (see docs/batch-api.md), and the two every user has on its own. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const OWN_FIELDS = new Set(['id', 'name']);

/** The user's free fields as rows: nested objects become dotted paths; arrays, null and empty objects stay JSON. */
export function fieldRowsOf(user: User | undefined): FieldRow[] {
  if (!user) return [];
  const rows: FieldRow[] = [];
  const visit = (value: unknown, path: string) => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
      return;
    }
    rows.push(rowOf(path, value));
  };
  for (const [key, value] of Object.entries(user)) if (!OWN_FIELDS.has(key)) visit(value, key);
  return rows;
}

function rowOf(path: string, value: unknown): FieldRow {
  if (typeof value === 'string') return { path, type: 'text', value };
  if (typeof value === 'number') return { path, type: 'number', value: String(value) };
  if (typeof value === 'boolean') return { path, type: 'boolean', value: String(value) };
  return { path, type: 'json', value: JSON.stringify(value) };
}

/** The body of POST/PUT /api/users from the editor, or what is wrong, by row index (and `name`). */
export type UserDraftResult = { body: UserBody } | { errors: { name?: string; rows: Map<number, string> } };

export function userBodyOf(draft: { id?: string; name: string; rows: FieldRow[] }): UserDraftResult {
  const rowErrors = new Map<number, string>();
  const nameError = draft.name.trim() ? undefined : 'The name is required.';
  const body: Record<string, unknown> = { ...(draft.id?.trim() ? { id: draft.id.trim() } : {}), name: draft.name };
  const paths = draft.rows.map((row) => row.path.trim());

  draft.rows.forEach((row, index) => {
    const path = paths[index];
    const problem = pathProblem(path) ?? clashOf(path, index, paths) ?? valueProblem(row);
    if (problem) {
      rowErrors.set(index, problem);
      return;
    }
    setPath(body, path.split('.'), valueOf(row));
  });
  if (nameError || rowErrors.size > 0) return { errors: { name: nameError, rows: rowErrors } };
  return { body: body as UserBody };
}

function pathProblem(path: string): string | undefined {
  if (!path) return 'Name the field, or remove the row.';
  const segments = path.split('.');
  if (segments.some((segment) => segment === '')) return 'A field path has no empty parts: write preferences.platform.';
  const forbidden = segments.find((segment) => FORBIDDEN_SEGMENTS.has(segment));
  if (forbidden) return `'${forbidden}' is not allowed as a key.`;
  if (segments.length === 1 && OWN_FIELDS.has(path)) return `'${path}' is set above, not as a field.`;
  return undefined;
}

/** Two rows may not set the same path, nor one a value where another nests fields. */
function clashOf(path: string, index: number, paths: string[]): string | undefined {
  for (let other = 0; other < paths.length; other++) {
    if (other === index || !paths[other]) continue;
    if (paths[other] === path && other < index) return `'${path}' is set twice.`;
    if (paths[other].startsWith(`${path}.`)) return `'${path}' cannot hold a value and the field '${paths[other]}' too.`;
  }
  return undefined;
}

function valueProblem(row: FieldRow): string | undefined {
  if (row.type === 'number' && (row.value.trim() === '' || !Number.isFinite(Number(row.value)))) return `'${row.value}' is not a number.`;
  if (row.type === 'boolean' && row.value !== 'true' && row.value !== 'false') return 'Choose true or false.';
  if (row.type === 'json') {
    try {
      JSON.parse(row.value);
    } catch {
      return 'Not valid JSON (a string needs quotes: "text").';
    }
  }
  return undefined;
}

function valueOf(row: FieldRow): unknown {
  switch (row.type) {
    case 'text':
      return row.value;
    case 'number':
      return Number(row.value);
    case 'boolean':
      return row.value === 'true';
    case 'json':
      return JSON.parse(row.value);
  }
}

function setPath(target: Record<string, unknown>, segments: string[], value: unknown): void {
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(node, segment) ? node[segment] : undefined;
    node = (isPlainObject(next) ? next : (node[segment] = {})) as Record<string, unknown>;
  }
  node[segments[segments.length - 1]] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The row a server error about `field` concerns: the row of that path, or the first whose path has that key. */
export function rowOfField(rows: FieldRow[], field: string): number | undefined {
  const exact = rows.findIndex((row) => row.path.trim() === field);
  if (exact >= 0) return exact;
  const containing = rows.findIndex((row) => row.path.trim().split('.').includes(field));
  return containing >= 0 ? containing : undefined;
}
