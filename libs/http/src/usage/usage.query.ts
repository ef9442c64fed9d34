import { USAGE_GROUPINGS, UsageGrouping } from '@userscope/llm';
import { InvalidUsageQueryError } from './invalid-usage-query.exception';

/** A usage query without `from`: the last 30 days. */
const DEFAULT_SPAN_MS = 30 * 24 * 3600 * 1000;

export interface UsageQuery {
  from: Date;
  to: Date;
  groupBy: UsageGrouping;
  format: 'json' | 'csv';
  userId?: string;
}

/** The query string of `GET /api/usage` (and `/me/usage`), checked: each bad parameter a 400 that names it. */
export function parseUsageQuery(raw: Record<string, unknown>, retentionSeconds: number, defaultGroup: UsageGrouping, now = new Date()): UsageQuery {
  const text = (name: string) => {
    const value = raw[name];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new InvalidUsageQueryError(name, `${name} must be given once`);
    return value;
  };
  const time = (name: string, fallback: Date) => {
    const value = text(name);
    if (value === undefined) return fallback;
    const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00.000Z` : value);
    if (Number.isNaN(parsed.getTime())) throw new InvalidUsageQueryError(name, `${name} must be an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T12:00:00Z (got '${value.slice(0, 40)}')`);
    return parsed;
  };
  const to = time('to', now);
  const from = time('from', new Date(to.getTime() - DEFAULT_SPAN_MS));
  if (from > to) throw new InvalidUsageQueryError('from', 'from must not be after to');
  const oldest = new Date(now.getTime() - retentionSeconds * 1000);
  if (to < oldest) throw new InvalidUsageQueryError('to', `records are kept ${Math.round(retentionSeconds / 86400)} days (general.usage.retention): to must be after ${oldest.toISOString()}`);
  const groupBy = (text('group_by') ?? defaultGroup) as UsageGrouping;
  if (!USAGE_GROUPINGS.includes(groupBy)) throw new InvalidUsageQueryError('group_by', `group_by must be one of: ${USAGE_GROUPINGS.join(', ')}`);
  const format = text('format') ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new InvalidUsageQueryError('format', 'format must be json or csv');
  const userId = text('user_id');
  return { from: from < oldest ? oldest : from, to, groupBy, format, ...(userId !== undefined ? { userId } : {}) };
}
