import { validateSync } from 'class-validator';
import { BatchMessages } from '../batch.messages';
import { BatchUser } from '../store/batch-records';
import { inspectJson, validationIssues } from '@userscope/runtime';
import { UserDto } from './dto/user.dto';
import { UserIdAllocator } from './user-id.allocator';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a user was refused: the reason, and the field it concerns with its own error (for a reply's `details`). */
export interface UserRejection {
  reason: string;
  field?: { field: string; errors: string[] };
}

/** Checks a user from the API or an import against `UserDto`; returns why it is rejected, or the clean user. */
export function checkUser(value: unknown): { user: BatchUser; reason?: undefined } | ({ user?: undefined } & UserRejection) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { reason: 'a user must be a JSON object' };
  const record = value as Record<string, unknown>;
  // Only the declared fields are validated, so the free ones need no copying (imports hold up to max_users rows).
  const declared = Object.assign(new UserDto(), { name: record.name, id: record.id });
  const [issue] = validationIssues(validateSync(declared, { stopAtFirstError: true }));
  if (issue) return { reason: `'${issue.path}' ${issue.message}`, field: { field: issue.path, errors: [issue.message] } };
  const badKey = findForbiddenKey(record);
  if (badKey) return { reason: `the key '${badKey}' is not allowed`, field: { field: badKey, errors: [BatchMessages.forbiddenKey()] } };
  return { user: cleanUser(record) };
}

/** A user that passed `checkUser`, as stored: its name trimmed. */
export function cleanUser(record: Record<string, unknown>): BatchUser {
  return { ...record, name: (record.name as string).trim() } as BatchUser;
}

/** The first CSV column that cannot be a field path (`__proto__.x`, `a..b`), if any; columns without a name are ignored. */
export function badCsvColumn(header: string[]): string | undefined {
  return header.find((column) => column !== '' && column.split('.').some((segment) => !segment || FORBIDDEN_KEYS.has(segment)));
}

/** The first CSV column nesting a field deeper than `maxDepth` levels (the user is level 1: `a.b` is 2). */
export function tooDeepCsvColumn(header: string[], maxDepth: number): string | undefined {
  return header.find((column) => column.split('.').length > maxDepth);
}

/**
 * A user's fields from a CSV row: `a.b` columns become nested objects; empty cells and columns
 * without a name are absent. The header must have passed `badCsvColumn`; only own properties are
 * followed either way.
 */
export function userFromCsv(header: string[], cells: string[]): Record<string, unknown> {
  const user: Record<string, unknown> = {};
  header.forEach((column, i) => {
    const value = cells[i]?.trim() ?? '';
    if (value === '') return;
    const path = column.split('.');
    if (column === '' || path.some((segment) => FORBIDDEN_KEYS.has(segment))) return;
    let target = user;
    for (const segment of path.slice(0, -1)) {
      const next = Object.prototype.hasOwnProperty.call(target, segment) ? target[segment] : undefined;
      target = (next && typeof next === 'object' ? next : (target[segment] = {})) as Record<string, unknown>;
    }
    target[path[path.length - 1]] = value;
  });
  return user;
}

/** An id from a name: `Alice Johnson` → `alice-johnson`, made unique with a suffix. For many at once, `UserIdAllocator`. */
export function idFromName(name: string, taken: (id: string) => boolean): string {
  return new UserIdAllocator(taken).idFor(name);
}

/** Without recursion: users also come from files (`userscope batch --users`), which no HTTP depth limit covers. */
function findForbiddenKey(value: unknown): string | undefined {
  const problem = inspectJson(value, { refuseKey: (key) => (FORBIDDEN_KEYS.has(key) ? key : undefined) });
  return problem?.kind === 'forbidden_key' ? problem.key : undefined;
}
