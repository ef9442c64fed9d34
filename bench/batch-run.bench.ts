import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import OpenAI from 'openai';
import { RunsService, UsersService } from '@userscope/batch';
import { loadApplication, UserscopeModule } from 'userscope';
import { forkModelServer } from './batch/model-server';
import { benchUsers, runToEnd } from './batch/finished-run';

/** Issue #6's bench: 1,000 users × one llm node, a model with a fixed 100 ms latency, concurrency 100. */
export interface BatchRunReport {
  users: number;
  concurrency: number;
  latencyMs: number;
  idealMs: number;
  userscope: { wallMs: number; cpuMs: number; maxInFlight: number; requests: number; maxLoopDelayMs: number };
  bare: { wallMs: number; cpuMs: number; maxInFlight: number; requests: number };
}

const USERS = Number(process.env.BENCH_BATCH_USERS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 100);
const LATENCY_MS = 100;
const WARMUP = 300;

export async function runBatchRunBench(): Promise<BatchRunReport> {
  const model = await forkModelServer(LATENCY_MS);
  const { url } = model;
  const stats = () => model.stats();
  const dir = mkdtempSync(path.join(tmpdir(), 'userscope-batch-bench-'));
  try {
    // Baseline: the same calls with the openai client in a bare promise pool, no framework.
    const client = new OpenAI({ baseURL: url, apiKey: 'bench', maxRetries: 0 });
    const barePool = (count: number) => async () => {
      let next = 0;
      await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < count; i = next++) {
          await client.chat.completions.create({ model: 'fixed-latency', messages: [{ role: 'user', content: `Create a script for User ${i}.` }] });
        }
      }));
    };
    await barePool(WARMUP)(); // JIT and connections warm, as in a server that has been up a while
    await stats();
    const bare = await measure(barePool(USERS));
    const bareStats = await stats();

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
    const measuredUsers = benchUsers('u', USERS);
    await app.get(UsersService).import({ json: [...warmupUsers, ...measuredUsers] });
    await runFor(warmupUsers.map((user) => user.id))();
    await stats();
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const framework = await measure(runFor(measuredUsers.map((user) => user.id)));
    loop.disable();
    const frameworkStats = await stats();
    await app.close();
    return {
      users: USERS,
      concurrency: CONCURRENCY,
      latencyMs: LATENCY_MS,
      idealMs: Math.ceil(USERS / CONCURRENCY) * LATENCY_MS,
      userscope: { ...framework, ...frameworkStats, maxLoopDelayMs: loop.max / 1e6 },
      bare: { ...bare, ...bareStats },
    };
  } finally {
    model.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(work: () => Promise<void>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

export function renderBatchRunReport(report: BatchRunReport, machineLine: string): string {
  const { userscope: u, bare: b } = report;
  const overheadCpu = (u.cpuMs - b.cpuMs) / report.users;
  return [
    `## Batch run: ${report.users.toLocaleString('en')} users × one llm node, ${report.latencyMs} ms model, concurrency ${report.concurrency}`,
    '',
    machineLine,
    '',
    'The model is an OpenAI-protocol server on 127.0.0.1 (its own process) answering every request after a fixed',
    `${report.latencyMs} ms. Ideal wall time: ⌈users / concurrency⌉ × latency = ${report.idealMs} ms. Baseline in the same run:`,
    'the same calls with the `openai` client in a bare promise pool (no framework). Userscope: a full run through',
    '`RunsService` — users from the directory, the template filled per user, each execution inside the',
    "user's session (their per-user functions built), LLM tokens accounted, every node result and status change stored.",
    '',
    '| | wall ms | × ideal | CPU ms | CPU µs per execution | most calls in flight | requests |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| Bare openai client pool | ${b.wallMs.toFixed(0)} | ${(b.wallMs / report.idealMs).toFixed(2)} | ${b.cpuMs.toFixed(0)} | ${((b.cpuMs / report.users) * 1000).toFixed(0)} | ${b.maxInFlight} | ${b.requests} |`,
    `| Userscope batch run | ${u.wallMs.toFixed(0)} | ${(u.wallMs / report.idealMs).toFixed(2)} | ${u.cpuMs.toFixed(0)} | ${((u.cpuMs / report.users) * 1000).toFixed(0)} | ${u.maxInFlight} | ${u.requests} |`,
    '',
    `Userscope wall / ideal: **${(u.wallMs / report.idealMs).toFixed(2)}×** (target ≤ 1.2×: **${u.wallMs / report.idealMs <= 1.2 ? 'met' : 'not met'}**); ` +
      `Userscope wall / bare client: ${(u.wallMs / b.wallMs).toFixed(2)}×. Framework overhead per execution: ` +
      `${(overheadCpu * 1000).toFixed(0)} µs of CPU above the bare client's. Longest event-loop delay during the run: ${u.maxLoopDelayMs.toFixed(1)} ms.`,
  ].join('\n');
}
