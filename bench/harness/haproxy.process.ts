import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort, ServerProcess } from './server-process';

const START_TIMEOUT_MS = 10_000;

/**
 * The repository's proxy config, which the tests and benches run as users would. Found upwards from
 * here: this file runs from its source (tests) and from dist/bench (benches), at different depths.
 */
export const HAPROXY_CONFIG = repositoryFile(join('deploy', 'haproxy.cfg'));

export function haproxyInstalled(): boolean {
  return spawnSync('haproxy', ['-v'], { timeout: 5000, stdio: 'ignore' }).status === 0;
}

/** A haproxy of the caller's own, in the foreground, on deploy/haproxy.cfg, in front of `backends` (host:port, r1..rN). */
export class HaproxyProcess {
  private constructor(
    private readonly process: ServerProcess,
    readonly url: string,
  ) {}

  static async start(backends: string[]): Promise<HaproxyProcess> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, USERSCOPE_PROXY_BIND: `127.0.0.1:${port}` };
    backends.forEach((backend, i) => (env[`USERSCOPE_REPLICA_${i + 1}`] = backend));
    // -db: stay in the foreground, so the caller owns the process and its output.
    const proxy = new HaproxyProcess(ServerProcess.start('haproxy', ['-db', '-f', HAPROXY_CONFIG], { cwd: __dirname, env }), `http://127.0.0.1:${port}`);
    try {
      await proxy.waitUntilServing();
    } catch (error) {
      await proxy.stop();
      throw error;
    }
    return proxy;
  }

  /** The haproxy process itself (a bench reads its CPU time). */
  get pid(): number {
    return this.process.pid;
  }

  get printed(): string {
    return this.process.printed;
  }

  stop(): Promise<void> {
    return this.process.stop(2000);
  }

  /** Until /health answers through it (bounded). */
  private async waitUntilServing(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1000) });
        if (response.status === 200) return;
        last = `status ${response.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`haproxy at ${this.url} did not serve /health within ${START_TIMEOUT_MS / 1000} s (${last}). Its output:\n${this.process.printed.slice(-4000)}`);
  }
}

function repositoryFile(relative: string): string {
  for (let folder = __dirname; ; folder = dirname(folder)) {
    const candidate = join(folder, relative);
    if (existsSync(candidate)) return candidate;
    if (dirname(folder) === folder) throw new Error(`${relative} not found above ${__dirname}`);
  }
}
