import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { UsersService } from '@userscope/batch';
import { loadApplication, UserscopeModule } from 'userscope';
import { measureInChild } from '../harness/child-measurement';
import { EventLoopBlockProbe } from '../harness/event-loop-blocks';

export interface CsvImportParams {
  /** `import`: POST /api/users/import's path for the CSV; `json-parse`: JSON.parse of the same users as a JSON array (the baseline). */
  mode: 'import' | 'json-parse';
  megabytes: number;
}

export interface CsvImportResult {
  mode: CsvImportParams['mode'];
  rows: number;
  bytes: number;
  wallMs: number;
  longestBlockMs: number;
  delayP99Ms: number;
  /** RSS before the work, and the most it reached during it (sampled every 10 ms and at the end). */
  rssBeforeMb: number;
  peakRssMb: number;
  /** The same for the V8 heap in use: RSS keeps pages the data generation freed. */
  heapBeforeMb: number;
  peakHeapMb: number;
}

const ROW = (i: number) => ({ id: `u${i}`, name: `User ${i}`, role: i % 2 ? 'Designer' : 'Engineer', team: `team-${i % 7}`, bio: `Joined in ${2000 + (i % 25)} and works on project ${i % 101}` });

measureInChild<CsvImportParams, CsvImportResult>(async ({ mode, megabytes }) => {
  const lines = ['id,name,role,profile.team,bio'];
  let bytes = lines[0].length + 1;
  while (bytes < megabytes * 1024 * 1024) {
    const u = ROW(lines.length - 1);
    const line = `${u.id},${u.name},${u.role},${u.team},${u.bio}`;
    lines.push(line);
    bytes += line.length + 1;
  }
  const rows = lines.length - 1;
  const dir = mkdtempSync(path.join(tmpdir(), 'userscope-import-bench-'));
  try {
    const config = path.join(dir, 'import-bench.yml');
    writeFileSync(config, ['general: { plugins: ["@userscope/examples"] }', 'functions:', '  notepad: { _type: per_user_notepad }', '  preferences: { _type: per_user_preferences }', 'workflow: { _type: per_user_assistant }', `batch: { max_users: ${rows} }`, ''].join('\n'));
    const app = await NestFactory.createApplicationContext(UserscopeModule.fromApplication(loadApplication(config)), { logger: ['error'] });
    const users = app.get(UsersService);
    // The request body as the server holds it: one string (the CSV, or the same users as JSON).
    const body = mode === 'import' ? lines.join('\n') + '\n' : JSON.stringify(Array.from({ length: rows }, (_, i) => ROW(i)));
    lines.length = 0;
    global.gc?.();
    const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
    const heapBeforeMb = process.memoryUsage().heapUsed / 2 ** 20;
    let peakRss = process.memoryUsage().rss;
    let peakHeap = 0;
    const sample = () => {
      const { rss, heapUsed } = process.memoryUsage();
      peakRss = Math.max(peakRss, rss);
      peakHeap = Math.max(peakHeap, heapUsed);
    };
    const sampler = setInterval(sample, 10);
    const probe = new EventLoopBlockProbe(50);
    const started = performance.now();
    probe.start();
    let kept: unknown;
    if (mode === 'import') {
      const report = await users.import({ csv: body });
      if (report.imported !== rows) throw new Error(`imported ${report.imported}/${rows}`);
    } else {
      kept = JSON.parse(body);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { longestMs, delayP99Ms } = probe.stop();
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    sample();
    const peakRssMb = peakRss / 2 ** 20;
    if (kept === 1) console.log(kept); // keeps the parsed users alive until measured
    await app.close();
    return { mode, rows, bytes: Buffer.byteLength(body), wallMs, longestBlockMs: longestMs, delayP99Ms, rssBeforeMb, peakRssMb, heapBeforeMb, peakHeapMb: peakHeap / 2 ** 20 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
