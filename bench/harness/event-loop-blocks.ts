import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One stretch during which the event loop ran nothing else. */
export interface EventLoopBlock {
  /** When it ended, ms after the probe started. */
  endedAtMs: number;
  ms: number;
  /** CPU time this process used meanwhile (all its threads): a block longer than this was partly preempted. */
  cpuMs: number;
  /** What `describe()` said when it ended (e.g. how many sessions were left). */
  context: number;
}

export interface EventLoopBlocks {
  /** Longest gap between two turns of the event loop (a setImmediate chain). */
  longestMs: number;
  /**
   * Longest gap counted only as far as this process had the CPU (the lesser of the gap and the process's CPU time
   * in it): on a shared machine, what this process's own work blocked, without the time other processes took.
   */
  longestBusyMs: number;
  /** What `describe()` said when that gap ended. */
  longestBusyContext: number;
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
  private longestBusyMs = 0;
  private longestBusyContext = 0;
  private startedAt = 0;
  private last = 0;
  private lastCpu = process.cpuUsage();
  private running = false;

  constructor(
    private readonly longThresholdMs: number,
    private readonly describe: () => number = () => 0,
  ) {}

  start(): void {
    this.running = true;
    this.histogram.enable();
    this.startedAt = this.last = performance.now();
    this.lastCpu = process.cpuUsage();
    setImmediate(this.turn);
  }

  stop(): EventLoopBlocks {
    this.turn(); // the stretch since the last turn counts too
    this.running = false;
    this.histogram.disable();
    return {
      longestMs: this.longestMs,
      longestBusyMs: this.longestBusyMs,
      longestBusyContext: this.longestBusyContext,
      delayMaxMs: this.histogram.max / 1e6,
      delayP99Ms: this.histogram.percentile(99) / 1e6,
      long: this.long,
    };
  }

  private readonly turn = (): void => {
    if (!this.running) return;
    const now = performance.now();
    const cpu = process.cpuUsage();
    const gap = now - this.last;
    const cpuMs = (cpu.user - this.lastCpu.user + cpu.system - this.lastCpu.system) / 1000;
    this.last = now;
    this.lastCpu = cpu;
    if (gap > this.longestMs) this.longestMs = gap;
    if (Math.min(gap, cpuMs) > this.longestBusyMs) [this.longestBusyMs, this.longestBusyContext] = [Math.min(gap, cpuMs), this.describe()];
    if (gap > this.longThresholdMs) this.long.push({ endedAtMs: now - this.startedAt, ms: gap, cpuMs, context: this.describe() });
    setImmediate(this.turn);
  };
}
