import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort, ServerProcess } from './server-process';

/** The repository's proxy config, which the tests run as users would. */
export const HAPROXY_CONFIG = join(__dirname, '..', '..', 'deploy', 'haproxy.cfg');

function haproxyInstalled(): boolean {
  return spawnSync('haproxy', ['-v'], { timeout: 5000, stdio: 'ignore' }).status === 0;
}

/**
 * Whether the suite can run; when haproxy is missing, registers the one test that says so: failing
 * under CI=true (.ci/run installs it), skipped with one loud line elsewhere.
 */
export function requireHaproxy(suite: string): boolean {
  if (haproxyInstalled()) return true;
  if (process.env.CI === 'true') {
    it('needs haproxy under CI', () => {
      throw new Error("haproxy is not installed; CI=true requires it (.ci/run installs Debian's haproxy package).");
    });
  } else {
    console.warn(`!!! haproxy is not installed: the ${suite} tests are SKIPPED. Install it with: apt-get install -y haproxy !!!`);
    // Skipped, loudly, only outside CI when the machine lacks it; under CI=true the test above fails instead.
    it.skip('needs haproxy', () => undefined);
  }
  return false;
}

/** A haproxy of the test's own, in the foreground, on deploy/haproxy.cfg, in front of `backends` (host:port). */
export class HaproxyProcess {
  private constructor(
    private readonly process: ServerProcess,
    readonly url: string,
  ) {}

  static async start(backends: string[]): Promise<HaproxyProcess> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, USERSCOPE_PROXY_BIND: `127.0.0.1:${port}` };
    backends.forEach((backend, i) => (env[`USERSCOPE_REPLICA_${i + 1}`] = backend));
    // -db: stay in the foreground, so the test owns the process and its output.
    const proxy = new HaproxyProcess(ServerProcess.start('haproxy', ['-db', '-f', HAPROXY_CONFIG], { cwd: __dirname, env }), `http://127.0.0.1:${port}`);
    try {
      await proxy.waitUntilServing();
    } catch (error) {
      await proxy.stop();
      throw error;
    }
    return proxy;
  }

  get printed(): string {
    return this.process.printed;
  }

  stop(): Promise<void> {
    return this.process.stop(2000);
  }

  /** Until /health answers through it (bounded). */
  private async waitUntilServing(): Promise<void> {
    const deadline = Date.now() + 10_000;
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
    throw new Error(`haproxy at ${this.url} did not serve /health within 10 s (${last}). Its output:\n${this.process.printed.slice(-4000)}`);
  }
}
