import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * The longest a stretch of batch work holds the event loop before it lets other work (requests,
 * timers) run. Long enough that the turn's cost is lost in the noise, short enough that a request
 * arriving meanwhile waits far less than the 50 ms a block may take (bench/RESULTS.md, event-loop).
 */
export const LOOP_SLICE_MS = 10;

/** How long the event loop has waited for I/O since the process started, in ms. */
const loopIdleMs = () => performance.nodeTiming.idleTime;

/**
 * Splits CPU-bound work into slices of the event loop: `yieldIfDue()` resolves at once while the
 * current slice lasts, and once it is used up, after one turn of the event loop. Work that never
 * waits for I/O (templates, functions on the memory store) is otherwise one unbroken chain of
 * microtasks. Every caller sharing a yielder waits for the same turn.
 *
 * A slice is a stretch the loop is busy without a break: once it has waited for I/O (an execution's
 * LLM reply), a new slice starts. Counted from the last turn instead, every change after a wait took
 * a turn, and each execution's next request waited for all the others' (bench/RESULTS.md, batch run).
 */
export class LoopYielder {
  private sliceStart = performance.now();
  private idleAtStart = loopIdleMs();
  private turn: Promise<void> | undefined;

  constructor(private readonly sliceMs = LOOP_SLICE_MS) {}

  yieldIfDue(): Promise<void> | undefined {
    if (this.turn) return this.turn;
    const now = performance.now();
    const idle = loopIdleMs();
    if (idle !== this.idleAtStart) {
      this.startSlice(now, idle);
      return undefined;
    }
    if (now - this.sliceStart < this.sliceMs) return undefined;
    this.turn = nextTurn().then(() => {
      this.turn = undefined;
      this.startSlice(performance.now(), loopIdleMs());
    });
    return this.turn;
  }

  private startSlice(now: number, idle: number): void {
    this.sliceStart = now;
    this.idleAtStart = idle;
  }
}
