import { UsageRecord, usageDay } from './usage-record';
import { UsageStore } from './usage-store.interface';

const CHUNK = 10_000;

/** Usage records in this process, lost on restart. */
export class MemoryUsageStore implements UsageStore {
  readonly name = 'memory';
  private readonly days = new Map<string, UsageRecord[]>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  async append(records: UsageRecord[], retentionSeconds: number): Promise<void> {
    for (const record of records) {
      const day = usageDay(record.at);
      const list = this.days.get(day) ?? [];
      list.push({ ...record });
      this.days.set(day, list);
    }
    const oldest = usageDay(new Date(this.now().getTime() - retentionSeconds * 1000));
    for (const day of this.days.keys()) if (day < oldest) this.days.delete(day);
  }

  async *readDay(day: string): AsyncIterable<UsageRecord[]> {
    const list = this.days.get(day) ?? [];
    for (let start = 0; start < list.length; start += CHUNK) yield list.slice(start, start + CHUNK);
  }

  async close(): Promise<void> {}
}
