import { MachineInfo } from '../harness/machine-info';
import { machineTable } from '../harness/machine-table';
import { BENCH_SPAN_QUEUE, TracingOverheadReport, TracingVariantMeasurements, tracingRatios } from '../tracing-overhead.bench';

/** The tracing section of bench/RESULTS.md. */
export function renderTracingOverheadReport(report: TracingOverheadReport, machine: MachineInfo, code: string): string {
  const { settings } = report;
  const r = tracingRatios(report);
  const row = (v: TracingVariantMeasurements) =>
    `| ${v.variant.label} | ${Math.round(v.median.requestsPerSec)} | ${v.median.p50Ms} | ${v.median.p99Ms} | ${v.rounds.map((run) => Math.round(run.requestsPerSec)).join(' / ')} |`;
  return [
    '## POST /generate with GenAI tracing off and on',
    '',
    machineTable(machine, code),
    '',
    `The seed example (configs/config.yml), ${report.users} users, the /generate bench's mix and reply check; autocannon, ${settings.connections}`,
    `connections; per round and variant a fresh server process (bench/servers/tracing.server.ts), a ${settings.warmupSeconds} s warm-up, ${settings.seconds} s`,
    `measured; median of ${settings.rounds} rounds, order rotated. "Off" is the config without \`general.telemetry\`: the server checks that`,
    'neither @userscope/telemetry nor the SDK was loaded, so it runs the code of a server without the package (the spans are the',
    "API's no-ops). \"On\": one `invoke_agent` span per request and one `execute_tool` per function call, sampled 100%, batched to an",
    `OTLP HTTP receiver in the bench process (${report.exports} exports, ${(report.exportedBytes / 1e6).toFixed(1)} MB of JSON), with the SDK's span queue`,
    `at ${BENCH_SPAN_QUEUE} (OTEL_BSP_MAX_QUEUE_SIZE). Spans received per request sent, per traced round: ${report.spansPerRequest.map((x) => x.toFixed(3)).join(' / ')}`,
    '(the mix is the same every round: equal figures mean no round dropped spans).',
    '',
    '| Variant | req/s | p50 ms | p99 ms | req/s per round |',
    '| --- | ---: | ---: | ---: | --- |',
    ...report.variants.map(row),
    '',
    `On / off, req/s: **${r.medianOfRounds.toFixed(2)}×** as the median of the rounds' ratios (per round ${r.throughputPerRound.map((x) => x.toFixed(2)).join(' / ')}),`,
    `${r.throughput.toFixed(2)}× as the ratio of the medians; p99 ${r.p99.toFixed(2)}×.`,
    'The receiver shares the load generator\'s process; the ratio, not the absolute numbers, is what carries across machines.',
  ].join('\n');
}
