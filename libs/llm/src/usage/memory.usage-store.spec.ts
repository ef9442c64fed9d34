import { MemoryUsageStore } from './memory.usage-store';
import { UsageRecord } from './usage-record';

const DAY = 24 * 3600;

function call(at: string): UsageRecord {
  return { at, user_id: 'ann', llm: 'main', model: 'm', prompt_tokens: 2, completion_tokens: 1, cached_tokens: 0, total_tokens: 3, cost_micros: 4, currency: 'USD' };
}

async function recordsOf(store: MemoryUsageStore, day: string): Promise<UsageRecord[]> {
  const records: UsageRecord[] = [];
  for await (const chunk of store.readDay(day)) records.push(...chunk);
  return records;
}

describe('MemoryUsageStore retention (general.usage.retention)', () => {
  it('keeps a day of records until the retention has passed since its end, then drops it whole', async () => {
    let now = new Date('2026-12-10T12:00:00Z');
    const store = new MemoryUsageStore(() => now);
    const retention = 7 * DAY;
    await store.append([call('2026-12-03T10:00:00Z'), call('2026-12-03T23:59:59Z'), call('2026-12-04T00:00:00Z')], retention);
    expect(await recordsOf(store, '2026-12-03')).toHaveLength(2);
    // Seven days after the 3rd ended (the 11th at midnight) plus a moment: the 3rd goes, the 4th stays.
    now = new Date('2026-12-11T00:00:01Z');
    await store.append([call('2026-12-11T00:00:01Z')], retention);
    expect(await recordsOf(store, '2026-12-03')).toHaveLength(0);
    expect(await recordsOf(store, '2026-12-04')).toHaveLength(1);
    expect(await recordsOf(store, '2026-12-11')).toHaveLength(1);
  });
});
