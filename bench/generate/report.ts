import { MachineInfo } from '../harness/machine-info';
import { GenerateBenchReport, ServerMeasurements, ServerSpec } from '../generate.bench';

/** The issue's target: Userscope at least this fraction of baseline (b)'s throughput. */
export const TARGET_VS_NEST = 0.9;

export interface Ratios {
  vsFastify: number;
  vsNest: number;
  /** Userscope / (b) within each round: both ran minutes apart at most, so machine drift cancels more. */
  vsNestPerRound: number[];
  meetsTarget: boolean;
}

export function ratios(report: GenerateBenchReport): Ratios {
  const server = (key: ServerSpec['key']) => report.servers.find((s) => s.spec.key === key)!;
  const [userscope, fastify, nest] = [server('userscope'), server('fastify'), server('nest')];
  const vsNest = userscope.median.requestsPerSec / nest.median.requestsPerSec;
  return {
    vsFastify: userscope.median.requestsPerSec / fastify.median.requestsPerSec,
    vsNest,
    vsNestPerRound: userscope.rounds.map((run, i) => run.requestsPerSec / nest.rounds[i].requestsPerSec),
    meetsTarget: vsNest >= TARGET_VS_NEST,
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
    `Userscope / (a) Fastify: **${r.vsFastify.toFixed(2)}×**. Userscope / (b) Nest: **${r.vsNest.toFixed(2)}×** ` +
      `(per round ${r.vsNestPerRound.map((x) => x.toFixed(2)).join(' / ')}; target ≥ ${TARGET_VS_NEST}×: ${r.meetsTarget ? 'met' : '**not met**'}).`,
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
