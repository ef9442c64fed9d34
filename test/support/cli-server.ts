import { join } from 'node:path';
import { ServerProcess } from './server-process';
import { startUserscopeWorker, UserscopeWorker } from '../../bench/harness/userscope-worker.process';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'libs', 'userscope', 'dist', 'cli.js');
const TS_FIXTURES = join(__dirname, 'ts-fixture.register.js');

/** A `userscope serve` this test started as a child process, and the URL it is listening at. */
export interface CliServer {
  process: ServerProcess;
  url: string;
}

/**
 * Runs the built CLI's `serve` on a port the OS picks, loading the TypeScript fixture plugins, and
 * waits until it prints where it listens and that address answers as this very process (its pid).
 */
export async function startCliServer(configFile: string, env: NodeJS.ProcessEnv = {}): Promise<CliServer> {
  const server = ServerProcess.start(
    process.execPath,
    ['-r', TS_FIXTURES, CLI, 'serve', '--config_file', configFile, '--host', '127.0.0.1', '--port', '0'],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env } },
  );
  try {
    const [, url] = await server.waitForOutput(/Serving '.*' at (http:\/\/127\.0\.0\.1:\d+)/, 20_000);
    const health = await fetch(`${url}/health`);
    if (health.status !== 200 || !server.printed.includes(`[Nest] ${server.pid} `)) throw new Error(`${url} does not answer as pid ${server.pid}`);
    return { process: server, url };
  } catch (error) {
    await server.stop(1000);
    throw error;
  }
}

/** A `userscope worker` this test started as a child process, and its worker id. */
export type CliWorker = UserscopeWorker;

/** Runs the built CLI's `worker`, loading the TypeScript fixture plugins, and waits until it says it works the queue. */
export function startCliWorker(configFile: string, env: NodeJS.ProcessEnv = {}, concurrency?: number): Promise<CliWorker> {
  return startUserscopeWorker({ root: ROOT, configFile, env, concurrency, nodeArgs: ['-r', TS_FIXTURES] });
}
