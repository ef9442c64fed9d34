import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * The longest a stretch of batch work holds the event loop before it lets other work (requests,
 * timers) run. Long enough that the turn's cost is lost in the noise, short enough that a request
 * arriving meanwhile waits far less than the 50 ms a block may take (bench/RESULTS.md, event-loop).
 */
export const LOOP_SLICE_MS = 10;

/**
 * Splits CPU-bound work into slices of the event loop: `yieldIfDue()` resolves at once while the
 * current slice lasts, and once it is used up, after one turn of the event loop. Work that never
 * waits for I/O (templates, functions on the memory store) is otherwise one unbroken chain of
 * microtasks. Every caller sharing a yielder waits for the same turn.
 */
export class LoopYielder {
  private sliceStart = performance.now();
  private turn: Promise<void> | undefined;

  constructor(private readonly sliceMs = LOOP_SLICE_MS) {}

  yieldIfDue(): Promise<void> | undefined {
    if (this.turn || performance.now() - this.sliceStart < this.sliceMs) return this.turn;
    this.turn = nextTurn().then(() => {
      this.turn = undefined;
      this.sliceStart = performance.now();
    });
    return this.turn;
  }
}
