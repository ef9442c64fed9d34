import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * The longest a stretch of batch work holds the event loop before it lets other work (requests,
 * timers) run. Long enough that the turn's cost is lost in the noise, short enough that a request
 * arriving meanwhile waits far less than the 50 ms a block may take (bench/RESULTS.md, event-loop).
 */
export const LOOP_SLICE_MS = 10;

/** However the work is split, a turn of the loop at least this often: the 50 ms a block may take. */
const LONGEST_WITHOUT_TURN_MS = 5 * LOOP_SLICE_MS;

/**
 * Splits CPU-bound work into slices of the event loop: `yieldIfDue()` resolves at once while the
 * current slice lasts, and once it is used up, after one turn of the event loop. Work that never
 * waits for I/O (templates, functions on the memory store) is otherwise one unbroken chain of
 * microtasks. Every caller sharing a yielder waits for the same turn.
 *
 * A slice is one unbroken chain: once the microtask queue has drained (every caller waits for I/O,
 * an LLM reply say), the next call starts a new one. Counted from the last turn instead, every change
 * after a reply took a turn, and each execution's next request waited for all the others'
 * (bench/RESULTS.md, batch run). A chain that drains without the loop turning (driven by
 * `process.nextTick`) still gets a turn every 50 ms.
 */
export class LoopYielder {
  private sliceStart: number;
  /** Set by a tick that runs once the microtask queue has drained: the chain the slice measures has ended. */
  private chainEnded = true;
  private lastLoopTurn: number;
  private watchingLoop = false;
  private turn: Promise<void> | undefined;

  /** `clock` is milliseconds on a monotonic scale; a test passes its own, so a loaded machine cannot stretch a slice. */
  constructor(
    private readonly sliceMs = LOOP_SLICE_MS,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.sliceStart = this.lastLoopTurn = clock();
  }

  yieldIfDue(): Promise<void> | undefined {
    if (this.turn) return this.turn;
    const now = this.clock();
    this.watchLoop(now);
    if (this.chainEnded) {
      this.chainEnded = false;
      this.sliceStart = now;
      // A tick queued from a microtask runs once the microtask queue is empty: the end of this chain
      // (queued from a macrotask's synchronous code, it would run before that code's microtasks).
      queueMicrotask(this.watchChain);
    }
    if (now - this.sliceStart < this.sliceMs && now - this.lastLoopTurn < LONGEST_WITHOUT_TURN_MS) return undefined;
    this.turn = nextTurn().then(() => {
      this.turn = undefined;
      this.chainEnded = true;
      this.lastLoopTurn = this.clock();
    });
    return this.turn;
  }

  private readonly watchChain = () => process.nextTick(this.endChain);

  private readonly endChain = () => {
    this.chainEnded = true;
  };

  /**
   * Notes when the loop next reaches its check phase (a turn, whoever took it). With no watch pending,
   * it has reached it since the last call: a run that waited for I/O this long has not held the loop.
   */
  private watchLoop(now: number): void {
    if (this.watchingLoop) return;
    this.lastLoopTurn = now;
    this.watchingLoop = true;
    setImmediate(() => {
      this.watchingLoop = false;
      this.lastLoopTurn = this.clock();
    }).unref();
  }
}
