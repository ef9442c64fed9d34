import path from 'node:path';
import { runMeasurement } from './harness/child-measurement';
import type { EventLoopParams, EventLoopResult, LoopPhase } from './batch-event-loop/event-loop.child';

/** Issue 11's bound: no stretch of a batch run may hold the event loop longer than this. */
export const TARGET_BLOCK_MS = 50;

export function batchEventLoopSettings(): EventLoopParams {
  return { users: Number(process.env.BENCH_LOOP_USERS ?? 100_000), concurrency: Number(process.env.BENCH_LOOP_CONCURRENCY ?? 50) };
}

/** A 100,000-user template run in a fresh process, with the event loop probed during it, idle, and during reads. */
export function runBatchEventLoopBench(repoRoot: string, params: EventLoopParams): Promise<EventLoopResult> {
  return runMeasurement<EventLoopResult>(path.join(__dirname, 'batch-event-loop', 'event-loop.child.js'), { cwd: repoRoot, params });
}

export function renderBatchEventLoopReport(result: EventLoopResult, machineLine: string): string {
  const row = (label: string, phase: LoopPhase) =>
    `| ${label} | ${phase.wallMs.toFixed(0)} | ${phase.longestMs.toFixed(1)} | ${phase.delayMaxMs.toFixed(1)} | ${phase.delayP99Ms.toFixed(1)} | ${phase.over50} |`;
  const { idle, run, reads } = result;
  const met = run.longestMs <= TARGET_BLOCK_MS && reads.longestMs <= TARGET_BLOCK_MS;
  return [
    `## Event loop during a batch run without I/O: ${result.users.toLocaleString('en')} users × two template nodes, concurrency ${result.concurrency}`,
    '',
    machineLine,
    '',
    'In a fresh process: the users imported, one run to open every session, then the measured run (which finds the',
    'sessions open and never waits for I/O: the memory store). The probe (bench/harness/event-loop-blocks.ts) records the',
    'longest gap between turns of a setImmediate chain (what a request arriving then waits) and Node\'s event-loop delay',
    'histogram (`monitorEventLoopDelay`, 1 ms resolution). Baseline in the same process: the probe alone, idle, as long as',
    'the run took. Reads: the last page of the finished run\'s executions, then the directory sorted by a field and searched.',
    '',
    '| phase | wall ms | longest block ms | delay max ms | delay p99 ms | blocks > 50 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('idle (baseline)', idle),
    row('template run', run),
    row('reads (run page, users sorted, searched)', reads),
    '',
    `Longest block during the run: **${run.longestMs.toFixed(1)} ms** (${(run.longestMs / Math.max(idle.longestMs, 0.1)).toFixed(1)}× the idle baseline's ` +
      `${idle.longestMs.toFixed(1)} ms); during the reads ${reads.longestMs.toFixed(1)} ms. Target ≤ ${TARGET_BLOCK_MS} ms: **${met ? 'met' : 'not met'}**. ` +
      `Throughput: ${Math.round(result.executionsPerSecond).toLocaleString('en')} executions/s. Before the fix (issue 11) the same kind of run held the loop for 20.7 s.`,
  ].join('\n');
}
