import { Injectable } from '@nestjs/common';

/**
 * What shutdown is still waiting for (a user's cleanup, a batch run), so that a shutdown cut short
 * by its deadline can say what it abandoned.
 */
@Injectable()
export class ShutdownProgress {
  private readonly pending = new Set<string>();

  /** Notes `what` as pending until `work` settles; returns `work`. */
  track<T>(what: string, work: Promise<T>): Promise<T> {
    this.pending.add(what);
    const done = () => this.pending.delete(what);
    work.then(done, done);
    return work;
  }

  /** What is still pending, in the order it began. */
  abandoned(): string[] {
    return [...this.pending];
  }
}
