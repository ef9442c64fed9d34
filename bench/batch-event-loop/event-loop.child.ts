import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { RunsService, UsersService } from '@userscope/batch';
import { loadApplication, UserscopeModule } from 'userscope';
import { measureInChild } from '../harness/child-measurement';
import { EventLoopBlockProbe, EventLoopBlocks } from '../harness/event-loop-blocks';

export interface EventLoopParams {
  users: number;
  concurrency: number;
}

/** One phase's event loop: the probe's figures and how long the phase took. */
export interface LoopPhase extends Omit<EventLoopBlocks, 'long'> {
  wallMs: number;
  /** Blocks over 50 ms. */
  over50: number;
}

export interface EventLoopResult {
  users: number;
  concurrency: number;
  /** The process doing nothing but the probe, as long as the run took. */
  idle: LoopPhase;
  /** A template workflow's run for every user, their sessions open already. */
  run: LoopPhase;
  /** Reading the finished run and the directory: the last page of executions, users sorted by a field. */
  reads: LoopPhase;
  executionsPerSecond: number;
}

const LONG_MS = 50;

async function probe(work: () => Promise<void>): Promise<LoopPhase> {
  const blocks = new EventLoopBlockProbe(LONG_MS);
  const started = performance.now();
  blocks.start();
  await work();
  const { long, ...figures } = blocks.stop();
  return { ...figures, wallMs: performance.now() - started, over50: long.length };
}

measureInChild<EventLoopParams, EventLoopResult>(async ({ users: count, concurrency }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'userscope-loop-bench-'));
  try {
    const config = path.join(dir, 'loop-bench.yml');
    writeFileSync(config, [
      'general: { plugins: ["@userscope/examples"] }',
      'functions:',
      '  notepad: { _type: per_user_notepad }',
      '  preferences: { _type: per_user_preferences }',
      'workflow: { _type: per_user_assistant }',
      `batch: { max_concurrency: ${concurrency}, max_users: ${count}, retention_runs: 5 }`,
      'batch_workflows:',
      '  - id: greeting',
      '    name: Greeting',
      '    on_missing: empty',
      '    nodes:',
      '      - { id: hello, type: template, template: "Hello {{user:name}}, our new {{user:role}}!" }',
      '      - { id: sign, type: template, template: "{{node:hello}} - the team" }',
      '',
    ].join('\n'));
    // As `userscope batch` builds it: the whole application without the HTTP server.
    const app = await NestFactory.createApplicationContext(UserscopeModule.fromApplication(loadApplication(config)), { logger: ['error'] });
    const users = app.get(UsersService);
    const runs = app.get(RunsService);
    await users.import({ json: Array.from({ length: count }, (_, i) => ({ id: `u${i}`, name: `User ${i}`, role: i % 2 ? 'Designer' : 'Engineer' })) });
    const runAll = async (): Promise<string> => {
      const { runId } = await runs.start({ workflowId: 'greeting', all: true, concurrency });
      await new Promise<void>((resolve) => {
        const off = runs.subscribe(runId, (event) => event.type === 'end' && (off(), resolve()));
        if (!runs.isActive(runId)) resolve();
      });
      const run = await runs.get(runId, { limit: 0 });
      if (run.progress.succeeded !== count) throw new Error(`only ${run.progress.succeeded}/${count} executions succeeded`);
      return runId;
    };
    await runAll(); // opens every user's session: the measured run finds them open, as a second run does
    let runId = '';
    const run = await probe(async () => {
      runId = await runAll();
    });
    const idle = await probe(() => new Promise((resolve) => setTimeout(resolve, run.wallMs)));
    const reads = await probe(async () => {
      await runs.get(runId, { offset: count - 1000 });
      await users.list({ sort: 'role', order: 'desc', limit: 50 });
      await users.list({ search: 'user 99', sort: 'name' });
    });
    await app.close();
    return { users: count, concurrency, idle, run, reads, executionsPerSecond: count / (run.wallMs / 1000) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
