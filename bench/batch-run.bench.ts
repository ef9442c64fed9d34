import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import OpenAI from 'openai';
import { RunsService, UsersService } from '@userscope/batch';
import { keepAliveFetch } from '@userscope/llm';
import { loadApplication, UserscopeModule } from 'userscope';
import { forkModelServer } from './batch/model-server';
import { benchUsers, runToEnd } from './batch/finished-run';
import { medianOf } from './harness/stats';

/** One way of making the calls, measured on the same users and model in the same process. */
export interface BatchRunFigures {
  wallMs: number;
  cpuMs: number;
  maxInFlight: number;
  requests: number;
  /** Wall ms of each round, in round order. */
  wallPerRound: number[];
  /** The longest event-loop delay in any round (how late a 1 ms timer fired, at worst). */
  maxLoopDelayMs: number;
}

/**
 * Issue #6's bench (and issue #18's target 3): 1,000 users × one llm node, a model with a fixed 100 ms
 * latency, concurrency 100, against two bare `openai` client pools: the client as shipped (global fetch,
 * undici) and the client given the fetch Userscope's openai LLMs use (node:http keep-alive), the floor.
 */
export interface BatchRunReport {
  users: number;
  concurrency: number;
  latencyMs: number;
  idealMs: number;
  rounds: number;
  userscope: BatchRunFigures;
  bare: BatchRunFigures;
  bareKeepAlive: BatchRunFigures;
}

const USERS = Number(process.env.BENCH_BATCH_USERS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 100);
const ROUNDS = Number(process.env.BENCH_BATCH_ROUNDS ?? 3);
const LATENCY_MS = 100;
const WARMUP = 300;
/** BENCH_BATCH_CPU_PROF=1: a CPU profile of each measured run, into bench/out/profiles (the profiler's own cost included). */
const PROFILE_DIR = process.env.BENCH_BATCH_CPU_PROF ? path.resolve(__dirname, '..', '..', 'bench', 'out', 'profiles') : undefined;

type Variant = 'bare' | 'bareKeepAlive' | 'userscope';
const VARIANTS: Variant[] = ['bare', 'bareKeepAlive', 'userscope'];

export async function runBatchRunBench(): Promise<BatchRunReport> {
  const model = await forkModelServer(LATENCY_MS);
  const { url } = model;
  const stats = () => model.stats();
  const dir = mkdtempSync(path.join(tmpdir(), 'userscope-batch-bench-'));
  try {
    // Baselines: the same calls with the openai client in a bare promise pool, no framework.
    const barePool = (client: OpenAI) => (prefix: string, count: number) => async () => {
      let next = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < count; i = next++) {
          await client.chat.completions.create({ model: 'fixed-latency', messages: [{ role: 'user', content: `Create a script for User ${prefix}${i}.` }] });
        }
      }));
    };
    const shipped = barePool(new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0 }));
    const keepAlive = barePool(new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0, fetch: keepAliveFetch() }));

    const config = path.join(dir, 'batch-bench.yml');
    writeFileSync(config, [
      'general: { plugins: ["@userscope/examples"] }',
      'llms:',
      `  model: { _type: openai, base_url: "${url}", model_name: fixed-latency, api_key: bench, max_retries: 0 }`,
      'functions:',
      '  notepad: { _type: per_user_notepad }',
      '  preferences: { _type: per_user_preferences }',
      'workflow: { _type: per_user_assistant }',
      `batch: { max_concurrency: ${CONCURRENCY}, retention_runs: 5 }`,
      'batch_workflows:',
      '  - id: script',
      '    name: Script',
      '    nodes:',
      '      - { id: "1", type: llm, llm: model, prompt: "Create a script for {{user:name}}, a {{user:role}}." }',
      '',
    ].join('\n'));
    const loaded = loadApplication(config);
    const app = await NestFactory.createApplicationContext(UserscopeModule.fromApplication(loaded), { logger: ['error'] });
    const runs = app.get(RunsService);
    const runFor = (userIds: string[]) => () => runToEnd(runs, 'script', userIds, CONCURRENCY);
    const warmupUsers = benchUsers('warm', WARMUP);
    const roundUsers = Array.from({ length: ROUNDS }, (_, round) => benchUsers(`r${round}u`, USERS));
    await app.get(UsersService).import({ json: [...warmupUsers, ...roundUsers.flat()] });
    // JIT and connections warm, as in a server that has been up a while.
    await shipped('warm', WARMUP)();
    await keepAlive('warm', WARMUP)();
    await runFor(warmupUsers.map((user) => user.id))();
    await stats();

    const measured: Record<Variant, RoundFigures[]> = { bare: [], bareKeepAlive: [], userscope: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // Each round's users are new to the run (their sessions are built in it), as in the first round.
      const work: Record<Variant, () => Promise<void>> = {
        bare: shipped(`r${round}`, USERS),
        bareKeepAlive: keepAlive(`r${round}`, USERS),
        userscope: runFor(roundUsers[round].map((user) => user.id)),
      };
      for (const variant of rotate(VARIANTS, round)) {
        const figures = await measure(work[variant], PROFILE_DIR && path.join(PROFILE_DIR, `batch-run-${variant}-${round}.cpuprofile`));
        measured[variant].push({ ...figures, ...(await stats()) });
      }
    }
    await app.close();
    return {
      users: USERS,
      concurrency: CONCURRENCY,
      latencyMs: LATENCY_MS,
      idealMs: Math.ceil(USERS / CONCURRENCY) * LATENCY_MS,
      rounds: ROUNDS,
      userscope: medianFigures(measured.userscope),
      bare: medianFigures(measured.bare),
      bareKeepAlive: medianFigures(measured.bareKeepAlive),
    };
  } finally {
    model.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RoundFigures {
  wallMs: number;
  cpuMs: number;
  loopDelayMs: number;
  maxInFlight: number;
  requests: number;
}

function medianFigures(rounds: RoundFigures[]): BatchRunFigures {
  return {
    wallMs: medianOf(rounds.map((r) => r.wallMs)),
    cpuMs: medianOf(rounds.map((r) => r.cpuMs)),
    maxInFlight: Math.max(...rounds.map((r) => r.maxInFlight)),
    requests: Math.max(...rounds.map((r) => r.requests)),
    wallPerRound: rounds.map((r) => r.wallMs),
    maxLoopDelayMs: Math.max(...rounds.map((r) => r.loopDelayMs)),
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * One run of `work`: its wall and CPU time, and the longest event-loop delay during it. The delay
 * histogram is a fresh one per run: one enabled again after a pause counts the whole pause (the
 * other variants' runs) as its first delay, which is what the report once showed as a 1,170 ms block.
 */
async function measure(work: () => Promise<void>, profileFile?: string): Promise<{ wallMs: number; cpuMs: number; loopDelayMs: number }> {
  const profiler = profileFile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  loop.disable();
  const figures = { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000, loopDelayMs: loop.max / 1e6 };
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    mkdirSync(path.dirname(profileFile!), { recursive: true });
    writeFileSync(profileFile!, JSON.stringify(profile));
    profiler.disconnect();
  }
  return figures;
}

export function renderBatchRunReport(report: BatchRunReport, machineLine: string): string {
  const { userscope: u, bare: b, bareKeepAlive: k } = report;
  const row = (name: string, f: BatchRunFigures) =>
    `| ${name} | ${f.wallMs.toFixed(0)} | ${(f.wallMs / report.idealMs).toFixed(2)} | ${f.wallPerRound.map((w) => w.toFixed(0)).join(' / ')} | ` +
    `${f.cpuMs.toFixed(0)} | ${((f.cpuMs / report.users) * 1000).toFixed(0)} | ${f.maxLoopDelayMs.toFixed(0)} | ${f.maxInFlight} | ${f.requests} |`;
  const vsIdeal = u.wallMs / report.idealMs;
  const vsFloor = u.wallMs / k.wallMs;
  return [
    `## Batch run: ${report.users.toLocaleString('en')} users × one llm node, ${report.latencyMs} ms model, concurrency ${report.concurrency}`,
    '',
    machineLine,
    '',
    'The model is an OpenAI-protocol server on 127.0.0.1 (its own process) answering every request after a fixed',
    `${report.latencyMs} ms. Ideal wall time: ⌈users / concurrency⌉ × latency = ${report.idealMs} ms. Baselines in the same process:`,
    'the same calls with the `openai` client in a bare promise pool (no framework), once as shipped (the global fetch, undici)',
    "and once given the fetch Userscope's openai LLMs use (node:http on keep-alive agents: the floor). Userscope: a full run through",
    '`RunsService` — users from the directory, the template filled per user, each execution inside the',
    "user's session (their per-user functions built), LLM tokens accounted, every node result and status change stored.",
    `Median of ${report.rounds} rounds, the order rotated each round; each round's run has users of its own.`,
    '',
    '| | wall ms | × ideal | wall ms per round | CPU ms | CPU µs per execution | longest loop delay ms | most calls in flight | requests |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    row('Bare openai client pool, as shipped (undici fetch)', b),
    row('Bare openai client pool, keep-alive node:http fetch (floor)', k),
    row('Userscope batch run', u),
    '',
    `Userscope wall / ideal: **${vsIdeal.toFixed(2)}×** (target ≤ 1.2×: **${vsIdeal <= 1.2 ? 'met' : 'not met'}**); ` +
      `Userscope wall / floor: **${vsFloor.toFixed(2)}×** (target ≤ 1.05×: **${vsFloor <= 1.05 ? 'met' : 'not met'}**); ` +
      `against the client as shipped: ${(u.wallMs / b.wallMs).toFixed(2)}×. Framework CPU per execution above the floor's: ` +
      `${(((u.cpuMs - k.cpuMs) / report.users) * 1000).toFixed(0)} µs. Longest event-loop delay during a Userscope run: ${u.maxLoopDelayMs.toFixed(1)} ms (the floor's: ${k.maxLoopDelayMs.toFixed(1)} ms).`,
    '',
    'The longest loop delay is how late a 1 ms timer fired at worst during a round (a fresh histogram per round). Each round',
    'starts its 100 calls in one burst, and their replies come back together, so a round holds the loop for about',
    'concurrency × CPU per call at those moments, in the floor as in Userscope; on a loaded machine, more.',
  ].join('\n');
}
