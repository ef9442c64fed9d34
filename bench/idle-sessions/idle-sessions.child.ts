import { setTimeout as sleep } from 'node:timers/promises';
import { measureInChild } from '../harness/child-measurement';
import { EventLoopBlockProbe, EventLoopBlocks } from '../harness/event-loop-blocks';
import { heapComposition, heapGrowth, HeapGrowth } from '../harness/heap-snapshot';
import { settledHeapUsed } from '../harness/settled-heap';
import { CONTEXT_MAP_PARTS, EVICTION_CHUNK } from '../idle-sessions.bench';
import { hashTableShrinkCost, ShrinkCost } from './hash-table-shrink';
import { idleUserRequests } from './idle-user-requests';
import { baselineHost, SessionHost, userscopeHost } from './session-hosts';

/** Pause between the heap measurement and ending the users. */
const SETTLE_MS = 1000;

export type HostKind = 'userscope' | 'baseline';

export interface IdleSessionsParams {
  host: HostKind;
  /** `rounds`: open users, measure the heap, end them all, measure again. `composition`: heap snapshots. */
  mode: 'rounds' | 'composition';
  users: number;
  rounds: number;
  /** Users opened and ended before measuring, so JIT and lazily built structures are warm. */
  warmupUsers: number;
  /** Blocks of the event loop longer than this are listed. */
  longBlockMs: number;
}

/** One round: `users` users opened, idle, then all ended. Heap numbers are relative to before any. */
export interface IdleRound {
  openSeconds: number;
  usersHeld: number;
  heapWithUsers: number;
  ended: number;
  usersLeft: number;
  endMs: number;
  blocks: EventLoopBlocks;
  /** The same probe over a second with nothing to do, just before: what the machine alone causes. */
  noiseFloor: EventLoopBlocks;
  heapAfterEnd: number;
}

export interface IdleSessionsResult {
  host: HostKind;
  users: number;
  rounds: IdleRound[];
  /** Per user, what the heap snapshot grew by (composition mode). */
  growth: HeapGrowth[];
  /** V8's hash-table shrink with `users` keys, measured in the same process. */
  shrink?: { weakMap: ShrinkCost; splitWeakMap: ShrinkCost; map: ShrinkCost };
}

measureInChild<IdleSessionsParams, IdleSessionsResult>(async (params) => {
  const host = params.host === 'userscope' ? await userscopeHost() : baselineHost();
  try {
    await openUsers(host, 'warm', params.warmupUsers);
    await host.endIdleUsers();
    if (params.mode === 'composition') {
      const before = heapComposition();
      await openUsers(host, 'user', params.users);
      const growth = heapGrowth(before, heapComposition(), params.users);
      if (host.users !== params.users) throw new Error(`${host.users} users held, expected ${params.users}`);
      return { host: params.host, users: params.users, rounds: [], growth };
    }
    const rounds = await measureRounds(host, params);
    const shrink =
      params.host === 'userscope'
        ? {
            weakMap: hashTableShrinkCost('WeakMap', params.users, EVICTION_CHUNK),
            splitWeakMap: hashTableShrinkCost('WeakMap', params.users, EVICTION_CHUNK, CONTEXT_MAP_PARTS),
            map: hashTableShrinkCost('Map', params.users, EVICTION_CHUNK),
          }
        : undefined;
    return { host: params.host, users: params.users, rounds, growth: [], shrink };
  } finally {
    await host.close();
  }
});

async function measureRounds(host: SessionHost, params: IdleSessionsParams): Promise<IdleRound[]> {
  const before = await settledHeapUsed();
  const rounds: IdleRound[] = [];
  for (let round = 0; round < params.rounds; round++) {
    const opened = performance.now();
    await openUsers(host, `round${round}-user`, params.users);
    const openSeconds = (performance.now() - opened) / 1000;
    const withUsers = await settledHeapUsed();
    const usersHeld = host.users; // read after the measurement: the users stay reachable until it is taken
    // The forced GCs leave pages for V8's background threads to sweep; a sweep of sessions started at once
    // would share the CPU with them (on two cores, its first chunks ran several times slower). The probe
    // runs meanwhile with nothing else to do: its longest gap is the machine's noise floor.
    const idleProbe = new EventLoopBlockProbe(params.longBlockMs);
    idleProbe.start();
    await sleep(SETTLE_MS);
    const noiseFloor = idleProbe.stop();

    const probe = new EventLoopBlockProbe(params.longBlockMs, () => host.users);
    probe.start();
    const started = performance.now();
    const ended = await host.endIdleUsers();
    const endMs = performance.now() - started;
    const blocks = probe.stop();
    const usersLeft = host.users;

    const afterEnd = await settledHeapUsed();
    rounds.push({
      openSeconds,
      usersHeld,
      heapWithUsers: withUsers - before,
      ended,
      usersLeft,
      endMs,
      blocks,
      noiseFloor,
      heapAfterEnd: afterEnd - before,
    });
  }
  return rounds;
}

/** Each user sends their requests in turn, one user after another, then stays idle. */
async function openUsers(host: SessionHost, prefix: string, users: number): Promise<void> {
  for (let user = 0; user < users; user++) {
    for (const body of idleUserRequests(user)) {
      const reply = (await host.request(`${prefix}-${user}`, body)) as { success?: boolean; message?: string };
      if (reply.success !== true) throw new Error(`${prefix}-${user} got ${JSON.stringify(reply)} for ${body}`);
    }
  }
}
