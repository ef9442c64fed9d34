import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const REDOCLY = join(ROOT, 'node_modules/.bin/redocly');

/** One problem `redocly lint --format=json` reports. */
export interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  /** The JSON pointer of the first location, e.g. `#/paths/~1health/get/responses`. */
  pointer: string;
}

export interface LintReport {
  errors: LintProblem[];
  warnings: LintProblem[];
}

/**
 * Runs `redocly lint` (the devDependency, with the repo's redocly.yaml) on `document`. Offline: the
 * config and the environment both turn telemetry off, and update notices are suppressed.
 */
export async function redoclyLint(document: unknown): Promise<LintReport> {
  const dir = mkdtempSync(join(tmpdir(), 'userscope-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document, null, 2));
    const stdout = await new Promise<string>((done, fail) => {
      execFile(
        REDOCLY,
        ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'],
        { cwd: dir, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' }, timeout: 60_000, maxBuffer: 64 << 20 },
        // Exit code 1 means errors were found: the report still comes on stdout.
        (error, out, stderr) => (out.trim().startsWith('{') ? done(out) : fail(new Error(`redocly lint failed: ${error?.message}\n${stderr}`))),
      );
    });
    const problems: LintProblem[] = JSON.parse(stdout).problems.map(
      (problem: { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer: string }[] }) => ({
        ruleId: problem.ruleId,
        severity: problem.severity,
        message: problem.message,
        pointer: problem.location[0]?.pointer ?? '',
      }),
    );
    return { errors: problems.filter((p) => p.severity === 'error'), warnings: problems.filter((p) => p.severity === 'warn') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
