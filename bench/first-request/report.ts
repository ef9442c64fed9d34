import { MachineInfo } from '../harness/machine-info';
import { machineTable } from '../harness/machine-table';
import { FirstRequestReport, FirstRequestRun } from '../first-request.bench';
import { CONNECT_MS } from '../fixtures/per-user-connection.plugin';

/** Userscope's new users per second over the global lock's, per way of calling. */
export function firstRequestRatios(report: FirstRequestReport): { inProcess: number; http: number } {
  const ratio = (runs: FirstRequestRun[]) =>
    runs.find((r) => r.variant === 'userscope')!.usersPerSec / runs.find((r) => r.variant === 'global-lock')!.usersPerSec;
  return { inProcess: ratio(report.inProcess), http: ratio(report.http) };
}

/** The first-request section of bench/RESULTS.md. */
export function renderFirstRequestReport(report: FirstRequestReport, machine: MachineInfo, code: string): string {
  const { settings } = report;
  const r = firstRequestRatios(report);
  const users = settings.users.toLocaleString('en-US');
  const row = (how: string, run: FirstRequestRun) =>
    `| ${how} | ${run.label} | ${run.users.toLocaleString('en-US')} | ${run.seconds.toFixed(2)} s | **${Math.round(run.usersPerSec).toLocaleString('en-US')}** | ` +
    `${run.p50Ms.toFixed(1)} | ${run.p99Ms.toFixed(1)} | ${run.runs.map((x) => Math.round(x).toLocaleString('en-US')).join(' / ')} |`;
  return [
    `## First requests of ${users} new users`,
    '',
    machineTable(machine, code),
    '',
    `Every request is a new user's first, so every request builds that user's session. The workflow`,
    `(bench/fixtures/first-request.yml) is a per-user function that needs the user's own connection, a durable`,
    `per-user provider whose async factory takes ${CONNECT_MS} ms to open it, as a database handshake would. ${settings.concurrency} requests are`,
    `in flight at a time, after a warm-up of ${settings.warmupUsers.toLocaleString('en-US')} other new users; every run is a fresh process. Userscope runs`,
    `${settings.userscopeRuns} times per way of calling and its median run is shown (a run takes a second or two, so a burst of other work on the`,
    'machine moves one run a lot); the lock variant runs once, its ~25 s set by its serialized waits.',
    'The NAT-style variant is the same Userscope runtime with every new user\'s build serialized behind one global async',
    'mutex (NAT holds `_per_user_builders_lock` while it builds a user\'s workflow); the mutex is bench code',
    '(bench/first-request/global-build-lock.ts) wrapped around this process\'s `SessionLifecycle.acquire`.',
    'In-process calls `WorkflowRunner.run` from concurrent callers; HTTP is autocannon over loopback with a new',
    '`nat-session` cookie per request, the load generator sharing the machine with the server.',
    'Every first request was checked: in-process, the reply names the user with `calls: 1` and each user built',
    'one session and opened one connection; over HTTP, every reply was 2xx and /metrics counted one session created per request.',
    '',
    '| called | variant | users | time | users / s | p50 ms | p99 ms | users / s per run |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...report.inProcess.map((run) => row('in-process', run)),
    ...report.http.map((run) => row('HTTP', run)),
    '',
    `Userscope / global lock: **${r.inProcess.toFixed(1)}×** in-process, **${r.http.toFixed(1)}×** over HTTP.`,
    `Behind one lock, new users cannot be served faster than one build at a time: at most ${Math.round(1000 / CONNECT_MS)} users/s with a ${CONNECT_MS} ms`,
    'connection, less the build\'s own CPU time. Userscope overlaps the builds\' waits and is bounded by CPU instead.',
    'Over HTTP, both variants pay HTTP\'s own cost per request and share the two cores with autocannon, which caps',
    'Userscope far below its in-process rate: the HTTP ratio is the end-to-end one on this machine, the in-process',
    'ratio the runtime\'s own.',
  ].join('\n');
}
