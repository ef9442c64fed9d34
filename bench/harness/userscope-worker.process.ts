import path from 'node:path';
import { ServerProcess } from './server-process';

/** A `userscope worker` started as a child process, and the id it works under. */
export interface UserscopeWorker {
  process: ServerProcess;
  id: string;
}

export interface UserscopeWorkerOptions {
  /** The repository root: the built CLI is libs/userscope/dist/cli.js under it. */
  root: string;
  configFile: string;
  env: NodeJS.ProcessEnv;
  /** `--concurrency`; the config's batch.worker_concurrency when absent. */
  concurrency?: number;
  /** Node flags before the CLI, e.g. `-r` a loader of TypeScript fixtures. */
  nodeArgs?: string[];
}

const START_TIMEOUT_MS = 20_000;

/** Runs the built CLI's `worker` and waits until it says it works the queue. */
export async function startUserscopeWorker(options: UserscopeWorkerOptions): Promise<UserscopeWorker> {
  const cli = path.join(options.root, 'libs', 'userscope', 'dist', 'cli.js');
  const args = [...(options.nodeArgs ?? []), cli, 'worker', '--config_file', options.configFile, ...(options.concurrency ? ['--concurrency', String(options.concurrency)] : [])];
  const worker = ServerProcess.start(process.execPath, args, { cwd: options.root, env: { ...process.env, NO_COLOR: '1', ...options.env } });
  try {
    const [, id] = await worker.waitForOutput(/Worker (\S+) working/, START_TIMEOUT_MS);
    return { process: worker, id };
  } catch (error) {
    await worker.stop(1000);
    throw error;
  }
}
