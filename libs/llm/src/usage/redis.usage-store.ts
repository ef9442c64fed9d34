import Redis from 'ioredis';
import { UsageRecord, usageDay } from './usage-record';
import { UsageStore } from './usage-store.interface';

const CHUNK = 5_000;

/**
 * Usage records in Redis, shared by every process on it: a list per UTC day
 * (`<prefix>usage:<YYYY-MM-DD>`), expiring once the day is older than the retention.
 */
export class RedisUsageStore implements UsageStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly name: string,
  ) {}

  private key(day: string): string {
    return `${this.prefix}usage:${day}`;
  }

  async append(records: UsageRecord[], retentionSeconds: number): Promise<void> {
    const byDay = new Map<string, string[]>();
    for (const record of records) {
      const day = usageDay(record.at);
      byDay.set(day, [...(byDay.get(day) ?? []), JSON.stringify(record)]);
    }
    const pipeline = this.redis.multi();
    for (const [day, lines] of byDay) {
      pipeline.rpush(this.key(day), ...lines);
      // Kept until the end of the day plus the retention.
      pipeline.expireat(this.key(day), Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + 24 * 3600 + retentionSeconds);
    }
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async *readDay(day: string): AsyncIterable<UsageRecord[]> {
    for (let start = 0; ; start += CHUNK) {
      const lines = await this.redis.lrange(this.key(day), start, start + CHUNK - 1);
      if (lines.length > 0) yield lines.map((line) => JSON.parse(line) as UsageRecord);
      if (lines.length < CHUNK) return;
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
