import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

/** deploy/haproxy.cfg, as users run it. */
const HAPROXY_CONFIG = path.resolve(__dirname, '..', '..', '..', 'deploy', 'haproxy.cfg');
const START_TIMEOUT_MS = 10_000;

export function haproxyInstalled(): boolean {
  return spawnSync('haproxy', ['-v'], { timeout: 5000, stdio: 'ignore' }).status === 0;
}

/** A haproxy of the bench's own, in the foreground, on deploy/haproxy.cfg, in front of `backends` (host:port, r1..rN). */
export class HaproxyProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  get pid(): number {
    return this.child.pid!;
  }

  static async start(backends: string[]): Promise<HaproxyProcess> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, USERSCOPE_PROXY_BIND: `127.0.0.1:${port}` };
    backends.forEach((backend, i) => (env[`USERSCOPE_REPLICA_${i + 1}`] = backend));
    const child = spawn('haproxy', ['-db', '-f', HAPROXY_CONFIG], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const proxy = new HaproxyProcess(child, `http://127.0.0.1:${port}`);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      try {
        if ((await fetch(`${proxy.url}/health`, { signal: AbortSignal.timeout(1000) })).status === 200) return proxy;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline || child.exitCode !== null) {
        await proxy.stop();
        throw new Error(`haproxy did not serve ${proxy.url}/health within ${START_TIMEOUT_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
