import path from 'node:path';
import { generateBenchSettings, runGenerateBench } from './generate.bench';
import { ratios, renderGenerateReport, TARGET_VS_NEST } from './generate/report';
import { writeSection } from './harness/results-file';
import { machineInfo } from './harness/machine-info';
import { codeVersion } from './harness/code-version';

/** `npm run bench`: runs every bench and writes each one's section of bench/RESULTS.md. */
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RESULTS_FILE = path.join(REPO_ROOT, 'bench', 'RESULTS.md');

async function main(): Promise<void> {
  const machine = machineInfo();
  const code = codeVersion(REPO_ROOT);
  console.log(`Userscope ${code}; Node ${machine.node}, ${machine.cpus} CPUs, 1-min load ${machine.load.toFixed(2)}`);
  const report = await runGenerateBench(generateBenchSettings(REPO_ROOT));
  writeSection(RESULTS_FILE, 'generate-bench', renderGenerateReport(report, machine, code));
  const r = ratios(report);
  console.log(
    `\nUserscope / (a) Fastify: ${r.vsFastify.toFixed(2)}x   Userscope / (b) Nest: ${r.vsNest.toFixed(2)}x ` +
      `(per round ${r.vsNestPerRound.map((x) => x.toFixed(2)).join(' / ')})`,
  );
  if (!r.meetsTarget) console.warn(`Userscope is below the ${TARGET_VS_NEST}x target against (b).`);
  console.log(`Results written to ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
