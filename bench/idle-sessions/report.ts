import { MachineInfo } from '../harness/machine-info';
import { machineTable } from '../harness/machine-table';
import { HeapGrowth } from '../harness/heap-snapshot';
import { CONTEXT_MAP_PARTS, EVICTION_CHUNK, IdleSessionsReport, TARGET_BLOCK_MS, TARGET_OVERHEAD_BYTES } from '../idle-sessions.bench';
import { IdleRound, IdleSessionsResult } from './idle-sessions.child';
import { ShrinkCost } from './hash-table-shrink';

const COMPOSITION_ROWS = 14;

export interface IdleVerdict {
  userscopeBytes: number;
  baselineBytes: number;
  overheadBytes: number;
  overheadMet: boolean;
  longestBlockMs: number;
  blockMet: boolean;
  allEnded: boolean;
}

/** Per-user bytes of round 1 (a fresh process), worst block over all rounds. */
export function idleVerdict(report: IdleSessionsReport): IdleVerdict {
  const perUser = (r: IdleSessionsResult) => r.rounds[0].heapWithUsers / r.users;
  const [userscopeBytes, baselineBytes] = [perUser(report.userscope), perUser(report.baseline)];
  const longestBlockMs = Math.max(...report.userscope.rounds.map(blockOf));
  return {
    userscopeBytes,
    baselineBytes,
    overheadBytes: userscopeBytes - baselineBytes,
    overheadMet: userscopeBytes - baselineBytes <= TARGET_OVERHEAD_BYTES,
    longestBlockMs,
    blockMet: longestBlockMs <= TARGET_BLOCK_MS,
    allEnded: report.userscope.rounds.every((r) => r.usersLeft === 0 && r.ended === report.userscope.users),
  };
}

/** The longer of the two block measurements: the setImmediate gap and the delay histogram's max. */
function blockOf(round: IdleRound): number {
  return Math.max(round.blocks.longestMs, round.blocks.delayMaxMs);
}

/** The idle-sessions section of bench/RESULTS.md. */
export function renderIdleSessionsReport(report: IdleSessionsReport, machine: MachineInfo, code: string): string {
  const { settings, userscope, baseline } = report;
  const v = idleVerdict(report);
  const users = fmt(settings.users);
  const rounds = userscope.rounds;
  const busiest = rounds.reduce((a, b) => (b.blocks.longestBusyMs > a.blocks.longestBusyMs ? b : a));
  return [
    `## Idle sessions: heap per idle user, and the idle sweep of ${users} users`,
    '',
    machineTable(machine, code),
    '',
    `${users} users of the seed example (configs/config.yml) each send \`note add\` and then \`pref set\`, one user after`,
    'another, and stay idle. Userscope is called in-process through `WorkflowRunner.run({ userId }, body)`, what',
    'POST /generate calls once it has read the cookie: the HTTP layer keeps nothing per user after a reply, so HTTP',
    `would add only time (${fmt(2 * settings.users)} requests over loopback on a shared machine) and no bytes to what is measured.`,
    'The baseline keeps the same users\' own data and nothing else: per user, the example\'s own AssistantFunction,',
    'NotepadFunction and PreferencesFunction in a Map by user id (bench/baselines/user-assistants.ts), sent the same',
    'JSON bodies. Each runs in a fresh `node --expose-gc` process; after a warm-up of',
    `${fmt(settings.warmupUsers)} other users (opened, then ended), the heap is read after full GCs (repeated until it settles)`,
    'before the users are opened and again after. Rounds repeat open-and-end in the same process.',
    '',
    '### Heap per idle session',
    '',
    `| | bytes per user | heap held by ${users} users | per round |`,
    '| --- | ---: | ---: | --- |',
    heapRow('Userscope (configs/config.yml)', userscope),
    heapRow('Baseline: the same users\' data in a Map', baseline),
    `| **Userscope's own per-session overhead** | **${fmt(v.overheadBytes)}** | ${mb(v.overheadBytes * settings.users)} | |`,
    '',
    `Target ≤ ${fmt(TARGET_OVERHEAD_BYTES)} bytes per idle session above the users' own data: ${v.overheadMet ? '**met**' : '**not met**'} ` +
      `(round 1, a fresh process).`,
    '',
    ...compositionTable(report),
    '',
    `### Sweep of ${users} idle sessions`,
    '',
    `\`IdleSessionEvictor.sweep(now)\` with its clock set one idle timeout ahead, so every session is idle. The event loop is`,
    'probed meanwhile two ways: the longest gap between turns of a `setImmediate` chain (how long a request arriving then',
    'would wait), and the max of `monitorEventLoopDelay({ resolution: 1 })`. Sessions ended per second count whole',
    `sessions (each disposes its per-user instances). The baseline's equivalent, \`Map.clear()\`, is shown for scale.`,
    'The sweep starts a second after the heap measurement\'s forced GCs, so V8\'s background sweeping of their pages is',
    'done; over that second the same probe runs with nothing to do, and its longest gap is the noise floor: what the',
    'machine alone (other processes on its cores) inflicts on any measurement of blocks. Each gap is also counted only',
    'as far as the process had the CPU in it (the lesser of the gap and the process\'s CPU time over it): the "busy" figure,',
    'what the sweep itself blocked, without the time other processes took from it.',
    '',
    `| round | sessions ended | time | sessions ended / s | longest gap | delay max | longest gap, busy | gaps > ${TARGET_BLOCK_MS} ms (sessions left when each ended; CPU ms in it) | idle noise floor | registry size after | heap after GC vs before |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |',
    ...rounds.map((round, i) => sweepRow(`Userscope ${i + 1}`, round)),
    ...baseline.rounds.map((round, i) => sweepRow(`baseline ${i + 1} (Map.clear)`, round)),
    '',
    `Target: longest block (the longer of the gap and the delay max) ≤ ${TARGET_BLOCK_MS} ms: ` +
      `${v.blockMet ? '**met**' : `**not met** (${v.longestBlockMs.toFixed(1)} ms)`}. ` +
      `Every session removed (registry size 0, ${users} ended per round): ${v.allEnded ? '**yes**' : '**no**'}. ` +
      `Longest gap counted as busy: ${busiest.blocks.longestBusyMs.toFixed(1)} ms (${fmt(busiest.blocks.longestBusyContext)} sessions left when it ended); ` +
      `idle noise floor ${Math.max(...rounds.map((r) => r.noiseFloor.longestMs)).toFixed(1)} ms.`,
    ...blockAnalysis(report),
  ].join('\n');
}

function heapRow(label: string, result: IdleSessionsResult): string {
  const perRound = result.rounds.map((r) => fmt(r.heapWithUsers / result.users)).join(' / ');
  const first = result.rounds[0];
  return `| ${label} | ${fmt(first.heapWithUsers / result.users)} | ${mb(first.heapWithUsers)} | ${perRound} |`;
}

function sweepRow(label: string, round: IdleRound): string {
  const gaps = round.blocks.long.map((b) => `${Math.round(b.ms)} ms (${fmt(b.context)}; ${Math.round(b.cpuMs)})`).join(', ') || '–';
  const perSec = round.endMs >= 1 ? fmt((round.ended / round.endMs) * 1000) : '–';
  return (
    `| ${label} | ${fmt(round.ended)} | ${fmtMs(round.endMs)} | ${perSec} | ${round.blocks.longestMs.toFixed(1)} ms | ` +
    `${round.blocks.delayMaxMs.toFixed(1)} ms | ${round.blocks.longestBusyMs.toFixed(1)} ms | ${gaps} | ${round.noiseFloor.longestMs.toFixed(1)} ms | ${fmt(round.usersLeft)} | ${signedMb(round.heapAfterEnd)} |`
  );
}

/** What one session is made of: heap snapshots before and after opening the users, growth per user, largest first. */
function compositionTable(report: IdleSessionsReport): string[] {
  const { userscope, baseline } = report.composition;
  const other = new Map(baseline.map((g) => [g.kind, g]));
  const cell = (g: HeapGrowth | undefined) => (g ? `${fmtCount(g.countPerUnit)} / ${fmt(g.bytesPerUnit)}` : '–');
  const rows = userscope.slice(0, COMPOSITION_ROWS);
  const sum = (growth: HeapGrowth[]) => growth.reduce((n, g) => n + g.bytesPerUnit, 0);
  return [
    `What a session is made of (heap snapshots before and after opening ${fmt(report.settings.compositionUsers)} users; shallow sizes; ` +
      'objects by constructor, V8 internals in parentheses; "(object shape)" rows are hidden classes):',
    '',
    '| kind | Userscope: objects / bytes per user | baseline: objects / bytes per user |',
    '| --- | ---: | ---: |',
    ...rows.map((g) => `| ${g.kind.replace(/\|/g, '\\|')} | ${cell(g)} | ${cell(other.get(g.kind))} |`),
    `| all kinds | ${fmt(sum(userscope))} bytes | ${fmt(sum(baseline))} bytes |`,
    '',
    'Snapshot totals differ from the `heapUsed` deltas above: hash tables grow in steps, so a few thousand users catch them',
    'at another point of their growth. ' + ownShapesNote(userscope),
  ];
}

/** Hidden classes that grow with the users are objects that each got a shape of their own. */
function ownShapesNote(growth: HeapGrowth[]): string {
  const shapes = growth.filter((g) => g.kind.startsWith('(object shape)'));
  const maps = growth.find((g) => g.kind === '(object shape) system / Map')?.countPerUnit ?? 0;
  if (maps < 1) return '';
  const bytes = shapes.reduce((n, g) => n + g.bytesPerUnit, 0);
  return (
    `About ${Math.round(maps)} hidden classes (${fmt(bytes)} bytes with their descriptor arrays) are created per session: objects that get ` +
    'a shape of their own instead of sharing one. Found while writing this bench (`%HaveSameMap`): Nest\'s per-context instance ' +
    'records (`InstanceWrapper.values` entries, one per durable provider and session) each end up with their own once a ' +
    'context resolves a second provider.'
  );
}

/**
 * Names what the long blocks coincide with. V8 shrinks a hash table inside the `delete` that leaves it a
 * quarter full, so blocks that end within one eviction chunk below a power of two are shrinks.
 */
function blockAnalysis(report: IdleSessionsReport): string[] {
  const shrink = report.userscope.shrink;
  if (!shrink) return [];
  const long = report.userscope.rounds.flatMap((r) => r.blocks.long);
  const atShrink = long.filter((b) => powerOfTwoAbove(b.context) - b.context <= EVICTION_CHUNK);
  const sizes = [...new Set(atShrink.map((b) => powerOfTwoAbove(b.context)))].sort((a, b) => b - a);
  const chunk = (c: ShrinkCost) => `the longest ${EVICTION_CHUNK} deletes in a row (one sweep chunk) ${c.longestChunkMs.toFixed(1)} ms (${fmt(c.chunkEntriesLeft)} left)`;
  const single = (c: ShrinkCost) => `the delete that shrinks it at ${fmt(c.shrinkEntriesLeft)} left took ${c.shrinkMs.toFixed(1)} ms, ${chunk(c)}`;
  return [
    '',
    ...(long.length === 0
      ? []
      : [
          `${atShrink.length} of the ${long.length} gaps over ${TARGET_BLOCK_MS} ms ended at most ${EVICTION_CHUNK} sessions (one eviction chunk) ` +
            `below a power of two${sizes.length ? ` (${sizes.map(fmt).join(', ')})` : ''}, where V8 shrinks a hash table that has emptied to a quarter.`,
        ]),
    `Hash tables emptied one \`delete\` at a time, ${fmt(report.userscope.users)} keys, in the same process: a WeakMap: ${single(shrink.weakMap)}; ` +
      `the same keys over ${CONTEXT_MAP_PARTS} WeakMaps: ${chunk(shrink.splitWeakMap)}; a Map: ${single(shrink.map)}.`,
    'Each session has an entry keyed by its ContextId in the per-context map of each request-scoped provider (Nest\'s',
    '`InstanceWrapper.values`; here REQUEST, Functions, notepad, preferences and the assistant), and ending a session',
    'deletes them (`DurableInstanceTracker.forgetMany`, one provider per event-loop turn). V8 rehashes a table in the',
    `delete that leaves it a quarter full, for one WeakMap of ${fmt(report.userscope.users)} keys the shrink timed above; the runtime splits each`,
    `of those maps into ${CONTEXT_MAP_PARTS} WeakMaps (SplitContextMap), whose rehashes are a ${CONTEXT_MAP_PARTS}th of that and fall on different sessions.`,
    'The session registry is one Map (ordered by last use), whose shrinks stay whole rehashes (its largest here at 65,535',
    'sessions left, 5.7-17 ms by load in an instrumented sweep): the sweep ends the session whose removal may cause one,',
    'the registry at a power of two, in a turn of its own.',
  ];
}

function powerOfTwoAbove(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(n, 1) + 1));
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function fmtCount(n: number): string {
  return Math.abs(n) >= 10 || Number.isInteger(n) ? fmt(n) : n.toFixed(1);
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : ms >= 10 ? `${Math.round(ms)} ms` : `${ms.toFixed(1)} ms`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function signedMb(bytes: number): string {
  return `${bytes >= 0 ? '+' : '−'}${(Math.abs(bytes) / 1e6).toFixed(2)} MB`;
}
