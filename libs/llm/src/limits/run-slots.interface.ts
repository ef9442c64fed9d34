/**
 * Each user's runs in flight, counted where every process sees them (memory, or Redis). `take`
 * counts one more run of the user unless `max` already run, in one atomic step.
 */
export interface RunSlots {
  readonly name: string;
  /** A slot of `userId`'s, taken (give it back with `give`), or how many of their runs are in flight when none is free. */
  take(userId: string, max: number): Promise<{ slot: string } | { running: number }>;
  give(userId: string, slot: string): Promise<void>;
  /** How many of `userId`'s runs are in flight now. */
  running(userId: string): Promise<number>;
  close(): Promise<void>;
}
