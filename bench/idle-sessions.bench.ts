import path from 'node:path';
import { runMeasurement } from './harness/child-measurement';
import { HeapGrowth } from './harness/heap-snapshot';
import { HostKind, IdleSessionsParams, IdleSessionsResult } from './idle-sessions/idle-sessions.child';

export interface IdleSessionsSettings {
  users: number;
  /** Open-measure-sweep rounds per process. */
  rounds: number;
  warmupUsers: number;
  /** Users in the heap-snapshot comparison (snapshots of 100,000 would take longer than the rest). */
  compositionUsers: number;
  longBlockMs: number;
  cwd: string;
}

/** The targets: issue 18's overhead (issue 6's was 4,096 B), issue 6's block. */
export const TARGET_OVERHEAD_BYTES = 2048;
export const TARGET_BLOCK_MS = 20;
/** The runtime's default: evictIdleSince yields to the event loop every this many sessions. */
export const EVICTION_CHUNK = 200;
/** How many WeakMaps the runtime splits each of Nest's per-context maps into (SplitContextMap). */
export const CONTEXT_MAP_PARTS = 16;

/** BENCH_IDLE_* variables override the defaults. */
export function idleSessionsSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): IdleSessionsSettings {
  return {
    users: Number(env.BENCH_IDLE_USERS ?? 100_000),
    rounds: Number(env.BENCH_IDLE_ROUNDS ?? 1),
    warmupUsers: Number(env.BENCH_IDLE_WARMUP_USERS ?? 1000),
    compositionUsers: Number(env.BENCH_IDLE_COMPOSITION_USERS ?? 2000),
    longBlockMs: TARGET_BLOCK_MS,
    cwd,
  };
}

export interface IdleSessionsReport {
  settings: IdleSessionsSettings;
  userscope: IdleSessionsResult;
  baseline: IdleSessionsResult;
  composition: Record<HostKind, HeapGrowth[]>;
}

const CHILD = path.join(__dirname, 'idle-sessions', 'idle-sessions.child.js');

/**
 * Userscope and the baseline each in a fresh `--expose-gc` process: open `users` idle users, measure
 * the heap after full GCs, end them all (Userscope: the idle evictor's sweep, timed, with the event
 * loop probed), measure again. Then heap snapshots of fewer users show what a session is made of.
 */
export async function runIdleSessionsBench(settings: IdleSessionsSettings): Promise<IdleSessionsReport> {
  const measure = (host: HostKind, mode: IdleSessionsParams['mode'], users: number) =>
    runMeasurement<IdleSessionsResult>(CHILD, {
      cwd: settings.cwd,
      execArgv: ['--expose-gc'],
      params: { host, mode, users, rounds: settings.rounds, warmupUsers: settings.warmupUsers, longBlockMs: settings.longBlockMs } satisfies IdleSessionsParams,
    });
  const baseline = await measure('baseline', 'rounds', settings.users);
  logRounds('baseline', baseline);
  const userscope = await measure('userscope', 'rounds', settings.users);
  logRounds('userscope', userscope);
  const composition = {
    userscope: (await measure('userscope', 'composition', settings.compositionUsers)).growth,
    baseline: (await measure('baseline', 'composition', settings.compositionUsers)).growth,
  };
  return { settings, userscope, baseline, composition };
}

function logRounds(host: HostKind, result: IdleSessionsResult): void {
  result.rounds.forEach((round, i) =>
    console.log(
      `idle sessions, ${host.padEnd(9)} round ${i + 1}: ${Math.round(round.heapWithUsers / result.users)} B/user, ` +
        `opened in ${round.openSeconds.toFixed(1)} s; ended ${round.ended} in ${Math.round(round.endMs)} ms, ` +
        `longest block ${round.blocks.longestMs.toFixed(1)} ms (busy ${round.blocks.longestBusyMs.toFixed(1)}, idle floor ${round.noiseFloor.longestMs.toFixed(1)}), ${round.usersLeft} left, ` +
        `heap after ${(round.heapAfterEnd / 1e6).toFixed(2)} MB`,
    ),
  );
}
