import { MachineInfo } from '../harness/machine-info';
import { GenerateBenchReport, ServerMeasurements, ServerSpec } from '../generate.bench';

/** Issue 18's target: Userscope at least this fraction of bare Fastify's (a) throughput… */
export const TARGET_VS_FASTIFY = 0.8;
/** …with a p99 at most this multiple of (a)'s. */
export const TARGET_P99_VS_FASTIFY = 1.3;

export interface Ratios {
  vsFastify: number;
  /** Userscope / (a) within each round: both ran minutes apart at most, so machine drift cancels more. */
  vsFastifyPerRound: number[];
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
    `${s.rounds.map((run) => Math.round(run.requestsPerSec)).join(' / ')} | ${s.rounds.reduce((n, run) => n + run.non2xx, 0)} |`;
  return [
    '## POST /generate, seed example, 1,000 users',
    '',
    '| Code | Node | CPUs | CPU model | OS | Date | Load (1 min) at start |',
    '| --- | --- | ---: | --- | --- | --- | ---: |',
    `| ${code} | ${machine.node} | ${machine.cpus} | ${machine.cpuModel} | ${machine.platform} | ${machine.date} | ${machine.load.toFixed(2)} |`,
    '',
    `autocannon, ${settings.connections} connections, ${report.users} distinct \`nat-session\` users. Per round and server: a fresh`,
    `server process, a reply check, a ${settings.warmupSeconds} s warm-up (opens every user's session), then ${settings.seconds} s measured;`,
    `median of ${settings.rounds} rounds, server order rotated each round. Mix, one command per sweep over all users:`,
    'note add, note list, pref get, stats, note add, pref set, note list, note clear.',
    'Every reply was 2xx, and every baseline answered the reply check (the same mix, three users) byte for byte like Userscope.',
    '',
    '| Server | req/s | p50 ms | p99 ms | req/s per round | non-2xx |',
    '| --- | ---: | ---: | ---: | --- | ---: |',
    ...report.servers.map(row),
    '',
    `Userscope / (a) Fastify: **${r.vsFastify.toFixed(2)}×** req/s (per round ${r.vsFastifyPerRound.map((x) => x.toFixed(2)).join(' / ')}), ` +
      `p99 **${r.p99VsFastify.toFixed(2)}×** (target ≥ ${TARGET_VS_FASTIFY}× with p99 ≤ ${TARGET_P99_VS_FASTIFY}×: ${r.meetsTarget ? 'met' : '**not met**'}). ` +
      `Userscope / (b) Nest: ${r.vsNest.toFixed(2)}×.`,
    `Run-to-run spread, (max − min) / median req/s: ${report.servers.map((s) => `${s.spec.key} ${Math.round(100 * spread(s))}%`).join(', ')}.`,
    'A ratio closer to the target than about half that spread is within this machine\'s noise.',
    '',
    'The load generator runs on the same machine as the servers (each server in its own process); on few cores it',
    'competes with the server for CPU, which caps the fastest server most. Compare ratios, not absolute numbers, across machines.',
  ].join('\n');
}

function spread(s: ServerMeasurements): number {
  const rps = s.rounds.map((run) => run.requestsPerSec);
  return (Math.max(...rps) - Math.min(...rps)) / s.median.requestsPerSec;
}
