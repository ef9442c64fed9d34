import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One stretch during which the event loop ran nothing else. */
export interface EventLoopBlock {
  /** When it ended, ms after the probe started. */
  endedAtMs: number;
  ms: number;
  /** What `describe()` said when it ended (e.g. how many sessions were left). */
  context: number;
}

export interface EventLoopBlocks {
  /** Longest gap between two turns of the event loop (a setImmediate chain). */
  longestMs: number;
  /** Max of `monitorEventLoopDelay({ resolution: 1 })`: how late a 1 ms timer fired at worst. */
  delayMaxMs: number;
  delayP99Ms: number;
  /** Every block longer than the threshold, in order. */
  long: EventLoopBlock[];
}

/**
 * Measures how long the event loop is blocked while some work runs, two ways: a setImmediate chain
 * that records the longest gap between its turns (what a request arriving then would wait), and
 * Node's event-loop delay histogram at 1 ms resolution.
 */
export class EventLoopBlockProbe {
  private readonly histogram = monitorEventLoopDelay({ resolution: 1 });
  private readonly long: EventLoopBlock[] = [];
  private longestMs = 0;
  private startedAt = 0;
  private last = 0;
  private running = false;

  constructor(
    private readonly longThresholdMs: number,
    private readonly describe: () => number = () => 0,
  ) {}

  start(): void {
    this.running = true;
    this.histogram.enable();
    this.startedAt = this.last = performance.now();
    setImmediate(this.turn);
  }

  stop(): EventLoopBlocks {
    this.turn(); // the stretch since the last turn counts too
    this.running = false;
    this.histogram.disable();
    return {
      longestMs: this.longestMs,
      delayMaxMs: this.histogram.max / 1e6,
      delayP99Ms: this.histogram.percentile(99) / 1e6,
      long: this.long,
    };
  }

  private readonly turn = (): void => {
    if (!this.running) return;
    const now = performance.now();
    const gap = now - this.last;
    this.last = now;
    if (gap > this.longestMs) this.longestMs = gap;
    if (gap > this.longThresholdMs) this.long.push({ endedAtMs: now - this.startedAt, ms: gap, context: this.describe() });
    setImmediate(this.turn);
  };
}
