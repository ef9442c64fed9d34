import { MachineInfo } from '../harness/machine-info';
import { machineTable } from '../harness/machine-table';
import { StreamRoutesReport, streamRouteRatios, StreamVariantMeasurements } from '../stream-routes.bench';

/** The stream-routes section of bench/RESULTS.md. */
export function renderStreamRoutesReport(report: StreamRoutesReport, machine: MachineInfo, code: string): string {
  const { settings } = report;
  const row = (v: StreamVariantMeasurements) =>
    `| \`${v.variant.route}\` | ${v.variant.label} | ${Math.round(v.median.requestsPerSec)} | ${v.median.p50Ms} | ${v.median.p99Ms} | ${v.rounds.map((run) => Math.round(run.requestsPerSec)).join(' / ')} |`;
  const ratios = streamRouteRatios(report).map(
    (r) =>
      `\`${r.route}\`: Userscope / bare **${r.medianOfRounds.toFixed(2)}×** req/s (median of the rounds' ratios, per round ${r.perRound.map((x) => x.toFixed(2)).join(' / ')}), p99 ${r.p99.toFixed(2)}×.`,
  );
  return [
    '## POST /generate/stream and POST /v1/chat/completions against bare Fastify',
    '',
    machineTable(machine, code),
    '',
    `autocannon, ${settings.connections} connections, ${report.users} distinct \`nat-session\` users. Per round and server: a fresh process, a reply check,`,
    `two requests per user (every session open), a ${settings.warmupSeconds} s warm-up, ${settings.seconds} s measured; median of ${settings.rounds} rounds, order rotated. \`/generate/stream\`: the /generate bench's`,
    'mix on the seed example (configs/config.yml); the baseline sends the same events byte for byte (`data: <output>`, `event: end`).',
    '`/v1/chat/completions`: one user message per request to configs/chat.yml, whose `per_user_chat_agent` answers with the `echo` LLM;',
    "the baseline answers the same chat.completion (id, creation time and token counts masked in the check: it counts no tokens).",
    'Bare Fastify is the limit; no target yet (issue 18, target 2).',
    '',
    '| Route | Server | req/s | p50 ms | p99 ms | req/s per round |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...report.variants.map(row),
    '',
    ...ratios,
    ...(machine.load > machine.cpus
      ? ['', `The machine's 1-min load at start (${machine.load.toFixed(2)}) was above its ${machine.cpus} CPUs: other processes shared the cores, so these figures are noise until rerun on a quiet machine.`]
      : []),
    '',
    'The load generator shares the machine with the servers; compare ratios, not absolute numbers, across machines.',
  ].join('\n');
}
