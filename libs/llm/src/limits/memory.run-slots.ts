import { RunSlots } from './run-slots.interface';

/** Runs in flight in this process: one server alone. A user with none is forgotten. */
export class MemoryRunSlots implements RunSlots {
  readonly name = 'memory';
  private readonly counts = new Map<string, number>();
  private next = 0;

  async take(userId: string, max: number): Promise<{ slot: string } | { running: number }> {
    const running = this.counts.get(userId) ?? 0;
    if (running >= max) return { running };
    this.counts.set(userId, running + 1);
    return { slot: String(++this.next) };
  }

  async give(userId: string): Promise<void> {
    const running = this.counts.get(userId) ?? 0;
    if (running <= 1) this.counts.delete(userId);
    else this.counts.set(userId, running - 1);
  }

  async running(userId: string): Promise<number> {
    return this.counts.get(userId) ?? 0;
  }

  async close(): Promise<void> {}
}
