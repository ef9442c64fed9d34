import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { UserscopeHttpError } from '@userscope/runtime';
import { exportCsv, exportJson, readBatchConfig, RunResults, RunsService, UsersService, WorkerPresence, WorkflowsService } from '@userscope/batch';
import { loadApplication } from '../application.loader';
import { UserscopeModule } from '../userscope.module';
import { CliCommand, CONFIG_OPTIONS, configFileOption, UsageError } from './cli-command';
import { ProgressBar } from './progress.bar';

const usage = `Usage: userscope batch --config_file PATH --workflow NAME --users FILE|all [--concurrency N] [--out FILE] [--force] [--queue]

Runs a batch workflow once for every selected user, in parallel, and prints a summary.
  --config_file, --config PATH  the YAML config (its batch_workflows, functions and llms)
  --workflow NAME               the batch workflow's id or name
  --users FILE|all              a users CSV (header row) or JSON array, or 'all' for the store's users
  --concurrency N               executions at once (default: batch.default_concurrency)
  --out FILE                    write the results: .json ([{user, result}]) or .csv (one row per user)
  --force                       run even when users lack fields the workflow needs
  --queue                       submit the executions to the job queue (needs batch.store: redis) for
                                'userscope worker' processes to work, and follow the run; without it,
                                this process works them itself
Exit code: 0 when every execution succeeded, 1 otherwise.`;

export const batchCommand: CliCommand = {
  name: 'batch',
  summary: 'run a batch workflow for many users and print a summary',
  usage,
  options: {
    ...CONFIG_OPTIONS,
    workflow: { type: 'string' },
    users: { type: 'string' },
    concurrency: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    queue: { type: 'boolean' },
  },
  async run(values) {
    const file = configFileOption(values, usage);
    if (typeof values.workflow !== 'string') throw new UsageError(`--workflow is required.\n\n${usage}`);
    if (typeof values.users !== 'string') throw new UsageError(`--users is required.\n\n${usage}`);
    const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new UsageError('--concurrency must be a positive integer.');
    const out = values.out as string | undefined;
    if (out && !['.json', '.csv'].includes(extname(out))) throw new UsageError('--out must end in .json or .csv.');
    const usersFile = values.users === 'all' ? undefined : values.users;
    const usersText = usersFile === undefined ? undefined : readUsersFile(usersFile);

    const loaded = loadApplication(file);
    const { settings } = readBatchConfig(loaded.config);
    if (values.queue === true && settings.store !== 'redis') {
      throw new UsageError(`--queue needs batch.store: redis in ${file}: the jobs and the runs they work live in Redis.`);
    }
    // With --queue this process only follows: the workers work the jobs.
    Object.assign(settings, values.queue === true ? { queue: 'bullmq', worker: false } : { queue: 'inline' });
    const app = await NestFactory.createApplicationContext(UserscopeModule.fromApplication(loaded), { logger: ['error', 'warn'], abortOnError: false });
    try {
      const workflows = app.get(WorkflowsService);
      const workflow = (await workflows.list()).find((w) => w.id === values.workflow || w.name === values.workflow);
      if (!workflow) {
        console.error(`No batch workflow '${values.workflow}'. Known: ${(await workflows.list()).map((w) => w.id).join(', ') || 'none'}.`);
        return 1;
      }
      let userIds: string[] | undefined;
      if (usersText !== undefined) {
        const { report, ids } = await app.get(UsersService).importUsers(usersText);
        report.rejected.forEach((r) => console.error(`users: row ${r.row} skipped: ${r.reason}`));
        userIds = ids;
        if (ids.length === 0) {
          console.error('No users to run: the users file has no valid row.');
          return 1;
        }
      }
      const runs = app.get(RunsService);
      const { runId, executions } = await runs.start({
        workflowId: workflow.id,
        ...(userIds ? { userIds } : { all: true }),
        ...(concurrency ? { concurrency } : {}),
        force: values.force === true,
      });
      if (values.queue === true) {
        const workers = await app.get(WorkerPresence).list();
        console.error(`Run ${runId} queued: ${executions.length} execution(s) for ${workers.length} worker(s)${workers.length === 0 ? ' (none is running: start one with userscope worker --config_file ' + file + ')' : ''}.`);
      }
      const bar = new ProgressBar(executions.length, process.stderr);
      await new Promise<void>((resolve) => {
        const unsubscribe = runs.subscribe(runId, (event) => {
          if (event.type === 'progress') bar.update(event.data);
          if (event.type === 'end') {
            unsubscribe();
            resolve();
          }
        });
        if (!runs.isActive(runId)) resolve();
      });
      bar.finish();
      const run = await runs.get(runId, { limit: 0 });
      const results = await runs.results(runId);
      printSummary(results);
      if (out) {
        writeFileSync(out, extname(out) === '.csv' ? exportCsv(results) : JSON.stringify(exportJson(results), null, 2));
        console.log(`Results written to ${out}`);
      }
      return run.progress.succeeded === run.progress.total ? 0 : 1;
    } catch (error) {
      if (!(error instanceof UserscopeHttpError)) throw error;
      console.error(error.body.message);
      if (error.body.details) console.error(JSON.stringify(error.body.details, null, 2));
      return 1;
    } finally {
      await app.close();
    }
  },
};

function readUsersFile(path: string): { csv?: string; json?: unknown } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--users: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (extname(path).toLowerCase() !== '.json') return { csv: text };
  try {
    return { json: JSON.parse(text) };
  } catch (error) {
    throw new UsageError(`--users: ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A table of every user's outcome, then the totals. */
function printSummary(results: RunResults): void {
  const rows = results.users.map((user) => [
    user.userName,
    user.status,
    String(user.tokens),
    user.durationMs === undefined ? '' : `${user.durationMs} ms`,
    (user.error ?? '').slice(0, 60),
  ]);
  const header = ['user', 'status', 'tokens', 'duration', 'error'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((row) => console.log(line(row)));
  const succeeded = results.users.filter((u) => u.status === 'succeeded').length;
  const tokens = results.users.reduce((sum, u) => sum + u.tokens, 0);
  console.log(`\n${succeeded}/${results.users.length} succeeded, ${tokens} tokens, run ${results.runId}`);
}
