import { ResponseRetention, ResponseStore, StoredResponse } from './response-store.interface';

interface Entry {
  stored: StoredResponse;
  expiresAt: number;
}

/** Expired responses of users who stopped calling are swept at most this often. */
const SWEEP_INTERVAL_MS = 60_000;

/** Stored responses in this process's memory (lost on restart): a map per user, oldest first. */
export class MemoryResponseStore implements ResponseStore {
  readonly name = 'memory';
  private readonly users = new Map<string, Map<string, Entry>>();
  private nextSweep = 0;

  constructor(
    private readonly retention: ResponseRetention,
    private readonly now: () => number = Date.now,
  ) {}

  async save(userId: string, stored: StoredResponse): Promise<void> {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    let entries = this.users.get(userId);
    if (!entries) this.users.set(userId, (entries = new Map()));
    entries.set(stored.response.id, { stored: structuredClone(stored), expiresAt: now + this.retention.ttlMs });
    this.trim(userId, entries, now);
  }

  async get(userId: string, id: string): Promise<StoredResponse | undefined> {
    const entry = this.users.get(userId)?.get(id);
    if (!entry || entry.expiresAt <= this.now()) return undefined;
    return structuredClone(entry.stored);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const entries = this.users.get(userId);
    const entry = entries?.get(id);
    if (!entries || !entry) return false;
    entries.delete(id);
    if (entries.size === 0) this.users.delete(userId);
    return entry.expiresAt > this.now();
  }

  async close(): Promise<void> {
    this.users.clear();
  }

  /** Drops the user's expired responses, then the oldest beyond the most a user may have. */
  private trim(userId: string, entries: Map<string, Entry>, now: number): void {
    // Oldest first: insertion order, and every entry lives equally long.
    for (const [id, entry] of entries) {
      if (entry.expiresAt > now && entries.size <= this.retention.maxPerUser) break;
      entries.delete(id);
    }
    if (entries.size === 0) this.users.delete(userId);
  }

  private sweep(now: number): void {
    this.nextSweep = now + Math.min(SWEEP_INTERVAL_MS, this.retention.ttlMs);
    for (const [userId, entries] of this.users) this.trim(userId, entries, now);
  }
}
