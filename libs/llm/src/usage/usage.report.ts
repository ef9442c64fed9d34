import { csvDocument } from '@userscope/runtime';
import { formatMicros } from './call.cost';
import { UsageRecord, usageDay } from './usage-record';

export type UsageGrouping = 'user' | 'day' | 'model' | 'run';
export const USAGE_GROUPINGS: UsageGrouping[] = ['user', 'day', 'model', 'run'];

/** The sums of one group's calls. Costs by currency, as integer micro-units and as decimals. */
export interface UsageGroup {
  key: string;
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  total_tokens: number;
  cost_micros: Record<string, number>;
  cost: Record<string, string>;
}

export interface UsageReport {
  from: string;
  to: string;
  group_by: UsageGrouping;
  user_id?: string;
  groups: UsageGroup[];
  totals: Omit<UsageGroup, 'key'>;
}

/** The key a record counts under: calls outside any user or run count under `-`. */
function keyOf(record: UsageRecord, groupBy: UsageGrouping): string {
  switch (groupBy) {
    case 'user':
      return record.user_id ?? '-';
    case 'day':
      return usageDay(record.at);
    case 'model':
      return `${record.llm}/${record.model}`;
    case 'run':
      return record.run_id ?? '-';
  }
}

function emptyGroup(key: string): UsageGroup {
  return { key, calls: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, total_tokens: 0, cost_micros: {}, cost: {} };
}

function add(group: Omit<UsageGroup, 'key'>, record: UsageRecord): void {
  group.calls++;
  group.prompt_tokens += record.prompt_tokens;
  group.completion_tokens += record.completion_tokens;
  group.cached_tokens += record.cached_tokens;
  group.total_tokens += record.total_tokens;
  if (record.currency) group.cost_micros[record.currency] = (group.cost_micros[record.currency] ?? 0) + record.cost_micros;
}

/** Sums `records` by `groupBy` (of one user's only, with `userId`): exact integer sums of the calls' records. */
export async function summarizeUsage(
  records: AsyncIterable<UsageRecord[]>,
  query: { from: Date; to: Date; groupBy: UsageGrouping; userId?: string },
): Promise<UsageReport> {
  const groups = new Map<string, UsageGroup>();
  const totals = emptyGroup('');
  for await (const chunk of records) {
    for (const record of chunk) {
      if (query.userId !== undefined && record.user_id !== query.userId) continue;
      const key = keyOf(record, query.groupBy);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = emptyGroup(key)));
      add(group, record);
      add(totals, record);
    }
  }
  const priced = (group: UsageGroup) => ({ ...group, cost: Object.fromEntries(Object.entries(group.cost_micros).map(([currency, micros]) => [currency, formatMicros(micros)])) });
  const { key: _key, ...total } = priced(totals);
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    group_by: query.groupBy,
    ...(query.userId !== undefined ? { user_id: query.userId } : {}),
    groups: [...groups.values()].sort((a, b) => a.key.localeCompare(b.key)).map(priced),
    totals: total,
  };
}

/** The report as CSV: a row per group, a cost column per currency, UTF-8 with a BOM. */
export function usageCsv(report: UsageReport): string {
  const currencies = [...new Set(report.groups.flatMap((group) => Object.keys(group.cost)))].sort();
  const header = [report.group_by, 'calls', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'total_tokens', ...currencies.map((c) => `cost_${c}`)];
  const rows = report.groups.map((group) =>
    [group.key, ...[group.calls, group.prompt_tokens, group.completion_tokens, group.cached_tokens, group.total_tokens].map(String), ...currencies.map((c) => group.cost[c] ?? '0.000000')],
  );
  return csvDocument(header, rows);
}
