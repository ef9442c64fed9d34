import { ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import path from 'node:path';
import { freePort } from './harness/server-process';
import { cpuSecondsOf } from './harness/process-cpu';
import { medianOf } from './harness/stats';

/** Issue 18's target 5: a server's start, from the spawn of its process to its first 200 on GET /health. */
export const TARGET_START_MS = 1500;

export interface ServerStartSettings {
  rounds: number;
  repoRoot: string;
}

export function serverStartSettings(repoRoot: string): ServerStartSettings {
  return { rounds: Number(process.env.BENCH_START_ROUNDS ?? 5), repoRoot };
}

type Variant = 'userscope' | 'fastify' | 'node';

/** One start: wall ms to the first 200, and the CPU ms the process had used by then. */
export interface StartTiming {
  wallMs: number;
  cpuMs: number;
}

export interface ServerStartReport {
  rounds: number;
  /** Each variant's starts, in round order. */
  starts: Record<Variant, StartTiming[]>;
}

const HEALTH_POLL_MS = 5;

/** What the CPU profile of a start showed, and what was done about it (issue 18). */
const PROFILE_NOTE =
  'Profile of a start before issue 18 (`--cpu-prof`, load ~9): loading and compiling modules about 70 % of its CPU, and about 500 of the ' +
  'files loaded were openai, bullmq, the MCP SDK (with zod) and jsonwebtoken, which configs/config.yml never uses; building the OpenAPI ' +
  'document 6 %. Each of those packages now loads on first use (test/start-up.e2e-spec.ts checks that this config loads none of them) and ' +
  'the document is built by the first GET of /openapi.json or /docs: CPU to the first 200, 1,240 → 910 ms, wall 1,989 → 1,256 ms ' +
  '(median of 3, back to back, 1-min load ~10).';

/** How each variant is started: its arguments to node, given the port. */
const COMMANDS: Record<Variant, (port: number) => string[]> = {
  // What `npm start` runs once built (`prestart` builds), on configs/config.yml.
  userscope: (port) => ['libs/userscope/dist/cli.js', 'serve', '--config_file', 'configs/config.yml', '--host', '127.0.0.1', '--port', String(port)],
  // Baselines: Fastify alone with one route, and node:http alone.
  fastify: (port) => [
    '-e',
    `const app = require('fastify')(); app.get('/health', async () => ({ status: 'ok' })); app.listen({ port: ${port}, host: '127.0.0.1' });`,
  ],
  node: (port) => ['-e', `require('node:http').createServer((q, s) => s.end('{"status":"ok"}')).listen(${port}, '127.0.0.1');`],
};

/**
 * Every variant started `rounds` times, each start a fresh process (node's compile cache is empty, the
 * files are in the OS's page cache after the first), the order rotated each round. Probed every 5 ms.
 */
export async function runServerStartBench(settings: ServerStartSettings): Promise<ServerStartReport> {
  const variants: Variant[] = ['userscope', 'fastify', 'node'];
  const starts: Record<Variant, StartTiming[]> = { userscope: [], fastify: [], node: [] };
  // One start of each first, not measured: it reads the files into the page cache, as a machine that has run the server before has them.
  for (const variant of variants) await timeStart(settings.repoRoot, variant);
  for (let round = 0; round < settings.rounds; round++) {
    for (const variant of [...variants.slice(round % 3), ...variants.slice(0, round % 3)]) starts[variant].push(await timeStart(settings.repoRoot, variant));
  }
  return { rounds: settings.rounds, starts };
}

async function timeStart(cwd: string, variant: Variant): Promise<StartTiming> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, COMMANDS[variant](port), { cwd, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${variant} exited (${code}) before answering /health: ${stderr.slice(-2000)}`))));
  try {
    await Promise.race([firstHealthy(port), exited]);
    const wallMs = performance.now() - started;
    const cpuMs = (cpuSecondsOf(child.pid!) ?? NaN) * 1000;
    return { wallMs, cpuMs };
  } finally {
    exited.catch(() => undefined);
    await stop(child);
  }
}

async function firstHealthy(port: number): Promise<void> {
  for (;;) {
    const status = await new Promise<number>((resolve) => {
      const request = get({ host: '127.0.0.1', port, path: '/health', agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.once('error', () => resolve(0));
    });
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
  }
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  return done;
}

export function startVerdict(report: ServerStartReport): { medianMs: number; met: boolean } {
  const medianMs = medianOf(report.starts.userscope.map((s) => s.wallMs));
  return { medianMs, met: medianMs < TARGET_START_MS };
}

export function renderServerStartReport(report: ServerStartReport, machineLine: string): string {
  const label: Record<Variant, string> = {
    userscope: 'Userscope, configs/config.yml (`userscope serve`, as `npm start` once built)',
    fastify: 'baseline: Fastify alone, one route',
    node: 'baseline: node:http alone',
  };
  const row = (variant: Variant) => {
    const starts = report.starts[variant];
    return `| ${label[variant]} | **${medianOf(starts.map((s) => s.wallMs)).toFixed(0)}** | ${starts.map((s) => s.wallMs.toFixed(0)).join(' / ')} | ${medianOf(starts.map((s) => s.cpuMs)).toFixed(0)} |`;
  };
  const { medianMs, met } = startVerdict(report);
  return [
    '## Server start: from the process spawn to the first 200 on GET /health',
    '',
    machineLine,
    '',
    `Each start is a fresh node process, probed every ${HEALTH_POLL_MS} ms from its spawn until GET /health answers 200; ${report.rounds} starts each, the order`,
    'rotated each round, after one unmeasured start of each (which reads the files into the page cache). CPU: user + system of the',
    'server process by its first 200 (/proc), which other processes on the cores do not inflate as they do the wall time.',
    '',
    '| | median ms | ms per start | CPU ms (median) |',
    '| --- | ---: | --- | ---: |',
    row('userscope'),
    row('fastify'),
    row('node'),
    '',
    `Userscope's median start: **${medianOf(report.starts.userscope.map((s) => s.wallMs)).toFixed(0)} ms** (target < ${TARGET_START_MS} ms: **${met ? 'met' : 'not met'}**), ` +
      `${(medianMs / medianOf(report.starts.fastify.map((s) => s.wallMs))).toFixed(1)}× Fastify's alone.`,
    '',
    PROFILE_NOTE,
  ].join('\n');
}
