import { UsageRecord } from './usage-record';

/** Where usage records are kept: by UTC day, each day dropped once it is older than the retention. */
export interface UsageStore {
  /** Names it in errors: `memory`, or `redis at host:port`. */
  readonly name: string;
  append(records: UsageRecord[], retentionSeconds: number): Promise<void>;
  /** A day's records, in the order they were appended, a chunk at a time. */
  readDay(day: string): AsyncIterable<UsageRecord[]>;
  close(): Promise<void>;
}
