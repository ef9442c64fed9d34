import { MachineInfo } from '../harness/machine-info';
import { GenerateBenchReport, ServerMeasurements, ServerSpec } from '../generate.bench';

/** Issue 18's target: Userscope at least this fraction of bare Fastify's (a) throughput… */
export const TARGET_VS_FASTIFY = 0.8;
/** …with a p99 at most this multiple of (a)'s. */
export const TARGET_P99_VS_FASTIFY = 1.3;

export interface Ratios {
  vsFastify: number;
  /** Userscope / (a) within each round: their slices alternated, so machine drift cancels more. */
  vsFastifyPerRound: number[];
  /** (a)'s CPU per request / Userscope's (medians): the throughput ratio if each had a core of its own. */
  cpuVsFastify: number | undefined;
  p99VsFastify: number;
  vsNest: number;
  meetsTarget: boolean;
}

export function ratios(report: GenerateBenchReport): Ratios {
  const server = (key: ServerSpec['key']) => report.servers.find((s) => s.spec.key === key)!;
  const [userscope, fastify, nest] = [server('userscope'), server('fastify'), server('nest')];
  const vsFastify = userscope.median.requestsPerSec / fastify.median.requestsPerSec;
  const p99VsFastify = userscope.median.p99Ms / fastify.median.p99Ms;
  return {
    vsFastify,
    vsFastifyPerRound: userscope.rounds.map((run, i) => run.requestsPerSec / fastify.rounds[i].requestsPerSec),
    p99VsFastify,
    cpuVsFastify: userscope.median.cpuUsPerRequest && fastify.median.cpuUsPerRequest ? fastify.median.cpuUsPerRequest / userscope.median.cpuUsPerRequest : undefined,
    vsNest: userscope.median.requestsPerSec / nest.median.requestsPerSec,
    meetsTarget: vsFastify >= TARGET_VS_FASTIFY && p99VsFastify <= TARGET_P99_VS_FASTIFY,
  };
}

/** The /generate section of bench/RESULTS.md. */
export function renderGenerateReport(report: GenerateBenchReport, machine: MachineInfo, code: string): string {
  const { settings } = report;
  const r = ratios(report);
  const row = (s: ServerMeasurements) =>
    `| ${s.spec.label} | ${Math.round(s.median.requestsPerSec)} | ${s.median.p50Ms} | ${s.median.p99Ms} | ` +
    `${s.rounds.map((run) => Math.round(run.requestsPerSec)).join(' / ')} | ${s.median.cpuUsPerRequest?.toFixed(1) ?? '–'} | ${s.rounds.reduce((n, run) => n + run.non2xx, 0)} |`;
  return [
    '## POST /generate, seed example, 1,000 users',
    '',
    '| Code | Node | CPUs | CPU model | OS | Date | Load (1 min) at start |',
    '| --- | --- | ---: | --- | --- | --- | ---: |',
    `| ${code} | ${machine.node} | ${machine.cpus} | ${machine.cpuModel} | ${machine.platform} | ${machine.date} | ${machine.load.toFixed(2)} |`,
    '',
    `autocannon, ${settings.connections} connections, ${report.users} distinct \`nat-session\` users. Per round: a fresh process of each`,
    `server, a reply check, a ${settings.warmupSeconds} s warm-up (opens every user's session; long enough for the JIT), then ${settings.seconds} s measured per server`,
    `in ${settings.slices} slices taken in turn with the other servers' (order rotated every slice), so drift on the machine lands on all`,
    `three alike; median of ${settings.rounds} rounds. Mix, one command per sweep over all users:`,
    'note add, note list, pref get, stats, note add, pref set, note list, note clear.',
    'Every reply was 2xx, and every baseline answered the reply check (the same mix, three users) byte for byte like Userscope.',
    '',
    '| Server | req/s | p50 ms | p99 ms | req/s per round | server CPU µs/request | non-2xx |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: |',
    ...report.servers.map(row),
    '',
    `Userscope / (a) Fastify: **${r.vsFastify.toFixed(2)}×** req/s (per round ${r.vsFastifyPerRound.map((x) => x.toFixed(2)).join(' / ')}), ` +
      `p99 **${r.p99VsFastify.toFixed(2)}×** (target ≥ ${TARGET_VS_FASTIFY}× with p99 ≤ ${TARGET_P99_VS_FASTIFY}×: ${r.meetsTarget ? 'met' : '**not met**'}). ` +
      `Userscope / (b) Nest: ${r.vsNest.toFixed(2)}×.` +
      (r.cpuVsFastify === undefined ? '' : ` Server CPU per request, (a) / Userscope: ${r.cpuVsFastify.toFixed(2)}×.`),
    `Round-to-round spread, (max − min) / median req/s: ${report.servers.map((s) => `${s.spec.key} ${Math.round(100 * spread(s))}%`).join(', ')}; ` +
      `of the per-round Userscope / (a) ratio: ${ratioSpread(r.vsFastifyPerRound).toFixed(2)}. A ratio closer to the target than about half the ratio's spread is within this machine's noise.`,
    '',
    'The load generator runs on the same machine as the servers (each server in its own process); on few cores it',
    'competes with the server for CPU, which caps the fastest server most. Compare ratios, not absolute numbers, across machines.',
  ].join('\n');
}

function ratioSpread(perRound: number[]): number {
  return Math.max(...perRound) - Math.min(...perRound);
}

function spread(s: ServerMeasurements): number {
  const rps = s.rounds.map((run) => run.requestsPerSec);
  return (Math.max(...rps) - Math.min(...rps)) / s.median.requestsPerSec;
}
