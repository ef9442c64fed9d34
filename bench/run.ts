import path from 'node:path';
import { generateBenchSettings, runGenerateBench } from './generate.bench';
import { ratios, renderGenerateReport, TARGET_P99_VS_FASTIFY, TARGET_VS_FASTIFY } from './generate/report';
import { idleSessionsSettings, runIdleSessionsBench, TARGET_BLOCK_MS, TARGET_OVERHEAD_BYTES } from './idle-sessions.bench';
import { idleVerdict, renderIdleSessionsReport } from './idle-sessions/report';
import { firstRequestSettings, runFirstRequestBench } from './first-request.bench';
import { firstRequestRatios, renderFirstRequestReport } from './first-request/report';
import { renderBatchRunReport, runBatchRunBench } from './batch-run.bench';
import { batchEventLoopSettings, renderBatchEventLoopReport, runBatchEventLoopBench, TARGET_BLOCK_MS as LOOP_TARGET_MS } from './batch-event-loop.bench';
import { batchQueueSettings, runBatchQueueBench } from './batch-queue.bench';
import { queueVerdict, renderBatchQueueReport, TARGET_VS_INLINE } from './batch-queue/report';
import { renderServerStartReport, runServerStartBench, serverStartSettings, startVerdict, TARGET_START_MS } from './server-start.bench';
import { csvImportSettings, renderCsvImportReport, runCsvImportBench } from './csv-import.bench';
import { leaseRenewalSettings, renderLeaseRenewalReport, runLeaseRenewalBench } from './lease-renewal.bench';
import { runSessionStateBench, sessionStateSettings } from './session-state.bench';
import { renderSessionStateReport, stateCost } from './session-state/report';
import { clusterGenerateSettings, runClusterGenerateBench } from './cluster-generate.bench';
import { clusterRatios, renderClusterGenerateReport } from './cluster-generate/report';
import { clusterFailoverSettings, runClusterFailoverBench } from './cluster-failover.bench';
import { failoverSummary, renderClusterFailoverReport } from './cluster-failover/report';
import { runTracingOverheadBench, tracingOverheadSettings, tracingRatios } from './tracing-overhead.bench';
import { renderTracingOverheadReport } from './tracing-overhead/report';
import { runStreamRoutesBench, streamRouteRatios, streamRoutesSettings } from './stream-routes.bench';
import { renderStreamRoutesReport } from './stream-routes/report';
import { renderTokenCountReport, runTokenCountBench, tokenCountSettings } from './token-count.bench';
import { BenchEntry, selectBenches } from './harness/bench-selection';
import { writeSection } from './harness/results-file';
import { machineInfo } from './harness/machine-info';
import { machineLine } from './harness/machine-table';
import { codeVersion } from './harness/code-version';

/**
 * `npm run bench`: runs every bench and writes each one's section of bench/RESULTS.md.
 * `npm run bench -- <name or group>` (or BENCH_ONLY=<names>) runs some: see bench/README.md.
 */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'RESULTS.md');

const BENCHES: BenchEntry[] = [
  {
    name: 'generate',
    groups: [],
    async run() {
      const machine = machineInfo();
      const report = await runGenerateBench(generateBenchSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'generate-bench', renderGenerateReport(report, machine, codeVersion(REPO_ROOT)));
      const r = ratios(report);
      console.log(
        `\nUserscope / (a) Fastify: ${r.vsFastify.toFixed(2)}x (per round ${r.vsFastifyPerRound.map((x) => x.toFixed(2)).join(' / ')}), ` +
          `p99 ${r.p99VsFastify.toFixed(2)}x   Userscope / (b) Nest: ${r.vsNest.toFixed(2)}x`,
      );
      if (!r.meetsTarget) console.warn(`Userscope is below the target against (a): ${TARGET_VS_FASTIFY}x req/s with p99 <= ${TARGET_P99_VS_FASTIFY}x.`);
    },
  },
  {
    name: 'idle-sessions',
    groups: ['sessions'],
    async run() {
      const machine = machineInfo();
      const report = await runIdleSessionsBench(idleSessionsSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'idle-sessions-bench', renderIdleSessionsReport(report, machine, codeVersion(REPO_ROOT)));
      const v = idleVerdict(report);
      console.log(
        `\nPer idle session: Userscope ${Math.round(v.userscopeBytes)} B, baseline ${Math.round(v.baselineBytes)} B, ` +
          `overhead ${Math.round(v.overheadBytes)} B (target <= ${TARGET_OVERHEAD_BYTES}: ${v.overheadMet ? 'met' : 'NOT met'}). ` +
          `Longest block in the sweep ${v.longestBlockMs.toFixed(1)} ms (target <= ${TARGET_BLOCK_MS}: ${v.blockMet ? 'met' : 'NOT met'}).`,
      );
    },
  },
  {
    name: 'first-request',
    groups: ['sessions'],
    async run() {
      const machine = machineInfo();
      const report = await runFirstRequestBench(firstRequestSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'first-request-bench', renderFirstRequestReport(report, machine, codeVersion(REPO_ROOT)));
      const r = firstRequestRatios(report);
      console.log(`\nFirst requests, Userscope / global build lock: ${r.inProcess.toFixed(1)}x in-process, ${r.http.toFixed(1)}x over HTTP.`);
    },
  },
  {
    name: 'batch-run',
    groups: ['batch'],
    async run() {
      const machine = machineInfo();
      const report = await runBatchRunBench();
      const line = machineLine(machine, codeVersion(REPO_ROOT));
      writeSection(RESULTS_FILE, 'batch-bench', renderBatchRunReport(report, line));
      console.log(`\nBatch run: ${(report.userscope.wallMs / report.idealMs).toFixed(2)}x ideal, ${(report.userscope.wallMs / report.bareKeepAlive.wallMs).toFixed(2)}x the bare client on the same fetch.`);
    },
  },
  {
    name: 'batch-event-loop',
    groups: ['batch'],
    async run() {
      const machine = machineInfo();
      const result = await runBatchEventLoopBench(REPO_ROOT, batchEventLoopSettings());
      const line = machineLine(machine, codeVersion(REPO_ROOT));
      writeSection(RESULTS_FILE, 'batch-event-loop-bench', renderBatchEventLoopReport(result, line));
      console.log(
        `\nLongest event-loop block: run ${result.run.longestMs.toFixed(1)} ms, reads ${result.reads.longestMs.toFixed(1)} ms, idle ${result.idle.longestMs.toFixed(1)} ms ` +
          `(target <= ${LOOP_TARGET_MS} ms); ${Math.round(result.executionsPerSecond)} executions/s.`,
      );
    },
  },
  {
    name: 'batch-queue',
    groups: ['batch'],
    async run() {
      const machine = machineInfo();
      const report = await runBatchQueueBench(batchQueueSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'batch-queue-bench', renderBatchQueueReport(report, machineLine(machine, codeVersion(REPO_ROOT))));
      const v = queueVerdict(report);
      console.log(
        `\nbullmq 1 worker / inline: ${v.oneWorker.toFixed(2)}x (target <= ${TARGET_VS_INLINE}: ${v.meetsTarget ? 'met' : 'NOT met'}), 2 workers / inline: ${v.twoWorkers.toFixed(2)}x; ` +
          `queue overhead ${v.overheadMs.oneWorker.toFixed(2)} ms CPU per execution (1 worker), ${v.overheadMs.twoWorkers.toFixed(2)} ms (2).`,
      );
    },
  },
  {
    name: 'token-count',
    groups: [],
    async run() {
      const machine = machineInfo();
      const timings = await runTokenCountBench(tokenCountSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'token-count-bench', renderTokenCountReport(timings, machineLine(machine, codeVersion(REPO_ROOT))));
      for (const t of timings) console.log(`${t.kind}: whole ${t.wholeMs.toFixed(1)} ms, countTextTokens ${t.userscopeMs.toFixed(1)} ms (${(t.wholeMs / t.userscopeMs).toFixed(1)}x)`);
    },
  },
  {
    name: 'server-start',
    groups: [],
    async run() {
      const machine = machineInfo();
      const report = await runServerStartBench(serverStartSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'server-start-bench', renderServerStartReport(report, machineLine(machine, codeVersion(REPO_ROOT))));
      const { medianMs, met } = startVerdict(report);
      console.log(`\nServer start to first /health: median ${medianMs.toFixed(0)} ms (target < ${TARGET_START_MS} ms: ${met ? 'met' : 'NOT met'}).`);
    },
  },
  {
    name: 'csv-import',
    groups: ['batch'],
    async run() {
      const machine = machineInfo();
      const results = await runCsvImportBench(REPO_ROOT, csvImportSettings());
      const line = machineLine(machine, codeVersion(REPO_ROOT));
      writeSection(RESULTS_FILE, 'csv-import-bench', renderCsvImportReport(results, line));
      for (const r of results) console.log(`${r.mode}: longest block ${r.longestBlockMs.toFixed(1)} ms, RSS ${r.rssBeforeMb.toFixed(0)} -> peak ${r.peakRssMb.toFixed(0)} MB, ${r.wallMs.toFixed(0)} ms`);
    },
  },
  {
    name: 'lease-renewal',
    groups: ['cluster'],
    async run() {
      const machine = machineInfo();
      const result = await runLeaseRenewalBench(leaseRenewalSettings());
      const line = machineLine(machine, codeVersion(REPO_ROOT));
      writeSection(RESULTS_FILE, 'lease-renewal-bench', renderLeaseRenewalReport(result, line));
      const worst = Math.max(...result.renewals.map((r) => r.longestBlockMs));
      console.log(`\nRenewing ${result.settings.users} leases: ${result.renewals.map((r) => r.wallMs.toFixed(0)).join(' / ')} ms a pass, longest event-loop block ${worst.toFixed(1)} ms.`);
    },
  },
  {
    name: 'session-state',
    groups: ['cluster'],
    async run() {
      const machine = machineInfo();
      const report = await runSessionStateBench(sessionStateSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'session-state-bench', renderSessionStateReport(report, machine, codeVersion(REPO_ROOT)));
      const cost = stateCost(report);
      console.log(
        `\nsession_state: redis / memory: ${cost.throughput.toFixed(2)}x req/s (best rounds ${cost.bestThroughput.toFixed(2)}x); ` +
          `one at a time +${cost.p50AddedMs.toFixed(3)} ms p50, +${cost.p99AddedMs.toFixed(3)} ms p99.`,
      );
    },
  },
  {
    name: 'cluster-generate',
    groups: ['cluster'],
    async run() {
      const machine = machineInfo();
      const report = await runClusterGenerateBench(clusterGenerateSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'cluster-generate-bench', renderClusterGenerateReport(report, machine, codeVersion(REPO_ROOT)));
      const ratios = clusterRatios(report);
      console.log(`\nreq/s vs one process: ${ratios.map((r) => `${r.key} ${r.throughput.toFixed(2)}x (p50 ${r.p50.toFixed(2)}x, p99 ${r.p99.toFixed(2)}x)`).join(', ')}`);
    },
  },
  {
    name: 'cluster-failover',
    groups: ['cluster'],
    async run() {
      const machine = machineInfo();
      const report = await runClusterFailoverBench(clusterFailoverSettings(REPO_ROOT));
      const line = machineLine(machine, codeVersion(REPO_ROOT));
      writeSection(RESULTS_FILE, 'cluster-failover-bench', renderClusterFailoverReport(report, line));
      const s = failoverSummary(report);
      console.log(`\nkill -9: last user served again after ${Math.round(s.directLastMs)} ms direct, ${Math.round(s.proxyLastMs)} ms through HAProxy (lease left ${Math.round(s.leaseLeftMs)} ms).`);
    },
  },  {
    name: 'tracing-overhead',
    groups: [],
    async run() {
      const machine = machineInfo();
      const report = await runTracingOverheadBench(tracingOverheadSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'tracing-overhead-bench', renderTracingOverheadReport(report, machine, codeVersion(REPO_ROOT)));
      const r = tracingRatios(report);
      console.log(`\ntracing on / off: req/s ${r.medianOfRounds.toFixed(2)}x, median of the rounds (per round ${r.throughputPerRound.map((x) => x.toFixed(2)).join(' / ')}), p99 ${r.p99.toFixed(2)}x`);
    },
  },
  {
    name: 'stream-routes',
    groups: [],
    async run() {
      const machine = machineInfo();
      const report = await runStreamRoutesBench(streamRoutesSettings(REPO_ROOT));
      writeSection(RESULTS_FILE, 'stream-routes-bench', renderStreamRoutesReport(report, machine, codeVersion(REPO_ROOT)));
      for (const r of streamRouteRatios(report)) console.log(`\n${r.route}: Userscope / bare ${r.medianOfRounds.toFixed(2)}x req/s, p99 ${r.p99.toFixed(2)}x`);
    },
  },
];

async function main(): Promise<void> {
  const benches = selectBenches(BENCHES, process.argv.slice(2));
  const machine = machineInfo();
  console.log(`Userscope ${codeVersion(REPO_ROOT)}; Node ${machine.node}, ${machine.cpus} CPUs, 1-min load ${machine.load.toFixed(2)}`);
  for (const bench of benches) {
    const started = performance.now();
    console.log(`\n== ${bench.name}`);
    await bench.run();
    console.log(`== ${bench.name} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  console.log(`Results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
