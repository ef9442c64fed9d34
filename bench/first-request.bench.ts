import path from 'node:path';
import { runMeasurement } from './harness/child-measurement';
import { forkServer } from './harness/forked-server';
import { assertAllSucceeded, runLoad } from './harness/load';
import { BuildVariant, FIRST_REQUEST_BODY } from './first-request/first-request-app';
import { FirstRequestsParams, FirstRequestsResult } from './first-request/first-requests.child';

export const VARIANTS: { variant: BuildVariant; label: string }[] = [
  { variant: 'userscope', label: 'Userscope (builds in parallel)' },
  { variant: 'global-lock', label: 'NAT-style global build lock' },
];

export interface FirstRequestSettings {
  users: number;
  warmupUsers: number;
  concurrency: number;
  /**
   * Runs of the Userscope variant, median reported: it takes a second or two, so one burst of other work
   * on the machine moves a single run a lot. The lock variant runs once: its ~25 s are set by its
   * serialized waits.
   */
  userscopeRuns: number;
  cwd: string;
}

/** BENCH_FIRST_REQUEST_* variables override the defaults. */
export function firstRequestSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): FirstRequestSettings {
  return {
    users: Number(env.BENCH_FIRST_REQUEST_USERS ?? 10_000),
    warmupUsers: Number(env.BENCH_FIRST_REQUEST_WARMUP_USERS ?? 500),
    concurrency: Number(env.BENCH_FIRST_REQUEST_CONCURRENCY ?? 50),
    userscopeRuns: Number(env.BENCH_FIRST_REQUEST_RUNS ?? 3),
    cwd,
  };
}

/** The median run of a variant (by users/s), and every run's users/s in order. */
export interface FirstRequestRun extends FirstRequestsResult {
  variant: BuildVariant;
  label: string;
  runs: number[];
}

export interface FirstRequestReport {
  settings: FirstRequestSettings;
  /** WorkflowRunner.run in the server's process. */
  inProcess: FirstRequestRun[];
  /** POST /generate over loopback HTTP, autocannon in the bench's process. */
  http: FirstRequestRun[];
}

/**
 * Every request is a new user's first, so every request builds a session whose per-user function
 * awaits a ~2 ms connection (bench/fixtures). Measured in-process and over HTTP, each variant in a
 * fresh process, after a warm-up of other new users.
 */
export async function runFirstRequestBench(settings: FirstRequestSettings): Promise<FirstRequestReport> {
  const inProcess = (variant: BuildVariant) =>
    runMeasurement<FirstRequestsResult>(path.join(__dirname, 'first-request', 'first-requests.child.js'), {
      cwd: settings.cwd,
      params: { variant, users: settings.users, warmupUsers: settings.warmupUsers, concurrency: settings.concurrency } satisfies FirstRequestsParams,
    });
  return {
    settings,
    inProcess: await measureVariants('in-process', settings, inProcess),
    http: await measureVariants('HTTP', settings, (variant) => firstRequestsOverHttp(variant, settings)),
  };
}

async function measureVariants(
  how: string,
  settings: FirstRequestSettings,
  measure: (variant: BuildVariant) => Promise<FirstRequestsResult>,
): Promise<FirstRequestRun[]> {
  const measured: FirstRequestRun[] = [];
  for (const { variant, label } of VARIANTS) {
    const results: FirstRequestsResult[] = [];
    for (let run = 0; run < (variant === 'userscope' ? settings.userscopeRuns : 1); run++) {
      const result = await measure(variant);
      checkEveryUserBuilt(result, `${label} (${how})`);
      log(how, label, result);
      results.push(result);
    }
    const median = [...results].sort((a, b) => a.usersPerSec - b.usersPerSec)[Math.floor(results.length / 2)];
    measured.push({ variant, label, ...median, runs: results.map((r) => r.usersPerSec) });
  }
  return measured;
}

async function firstRequestsOverHttp(variant: BuildVariant, settings: FirstRequestSettings): Promise<FirstRequestsResult> {
  const server = await forkServer(path.join(__dirname, 'servers', 'first-request.server.js'), { cwd: settings.cwd, args: [variant] });
  try {
    const load = (prefix: string, amount: number) => {
      let n = 0;
      return runLoad({
        url: server.url,
        connections: Math.min(settings.concurrency, amount),
        seconds: 0,
        amount,
        next: () => ({
          method: 'POST',
          path: '/generate',
          headers: { 'content-type': 'application/json', cookie: `nat-session=${prefix}-${n++}` },
          body: FIRST_REQUEST_BODY,
        }),
      });
    };
    assertAllSucceeded(await load('warm', settings.warmupUsers), `${variant} warm-up`);
    const before = await sessionsCreated(server.url);
    const result = await load('user', settings.users);
    assertAllSucceeded(result, variant);
    const built = (await sessionsCreated(server.url)) - before;
    return {
      users: result.requests,
      seconds: result.durationSeconds,
      usersPerSec: result.requests / result.durationSeconds,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      sessionsBuilt: built,
    };
  } finally {
    await server.stop();
  }
}

/** `userscope_sessions_created_total` from the server's /metrics (admin; loopback needs no token). */
async function sessionsCreated(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^userscope_sessions_created_total (\d+)/m.exec(text);
  if (!match) throw new Error(`No userscope_sessions_created_total in ${url}/metrics`);
  return Number(match[1]);
}

function checkEveryUserBuilt(result: FirstRequestsResult, what: string): void {
  const connections = result.connectionsOpened ?? result.users;
  if (result.sessionsBuilt === result.users && connections === result.users) return;
  throw new Error(`${what}: ${result.users} first requests built ${result.sessionsBuilt} sessions and opened ${connections} connections`);
}

function log(mode: string, label: string, r: FirstRequestsResult): void {
  console.log(
    `first requests, ${mode.padEnd(10)} ${label.padEnd(32)} ${Math.round(r.usersPerSec)} users/s  ` +
      `p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  (${r.users} users in ${r.seconds.toFixed(2)} s)`,
  );
}
