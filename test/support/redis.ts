import { spawnSync } from 'node:child_process';
import Redis from 'ioredis';
import { freePort, ServerProcess } from './server-process';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const START_REDIS = "redis-server --daemonize yes --port 6379 --save '' --appendonly no";

/** Asked in a child process, so the answer is known while jest collects the tests. */
function redisAnswers(url: string): boolean {
  const script = [
    "const Redis = require('ioredis');",
    'const r = new Redis(process.argv[1], { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });',
    'r.connect().then(() => r.ping()).then(() => process.exit(0), () => process.exit(1));',
  ].join('\n');
  return spawnSync(process.execPath, ['-e', script, url], { timeout: 5000, stdio: 'ignore' }).status === 0;
}

function commandRuns(command: string): boolean {
  return spawnSync(command, ['--version'], { timeout: 5000, stdio: 'ignore' }).status === 0;
}

/**
 * Whether the suite can run; when it cannot, registers the one test that says why: failing under
 * CI=true, skipped (with one loud line) elsewhere. `needs` is what the suite needs: the shared Redis
 * at REDIS_URL, or a `redis-server` binary to start its own.
 */
export function requireRedis(suite: string, needs: 'REDIS_URL' | 'redis-server'): boolean {
  const available = needs === 'REDIS_URL' ? redisAnswers(REDIS_URL) : commandRuns('redis-server');
  if (available) return true;
  const missing = needs === 'REDIS_URL' ? `Redis at ${REDIS_URL} does not answer` : 'redis-server is not installed';
  const fix = needs === 'REDIS_URL' ? `Start one with: ${START_REDIS} (or set REDIS_URL)` : 'Install it (apt-get install redis-server)';
  if (process.env.CI === 'true') {
    it(`needs ${needs} under CI`, () => {
      throw new Error(`${missing}; CI=true requires it. ${fix}`);
    });
  } else {
    console.warn(`!!! ${missing}: the ${suite} tests are SKIPPED. ${fix} !!!`);
    // Skipped, loudly, only outside CI when the machine lacks it; under CI=true the test above fails instead.
    it.skip(`needs ${needs}`, () => undefined);
  }
  return false;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (found.length > 0) await redis.del(...found);
    cursor = next;
  } while (cursor !== '0');
}

/**
 * A `redis-server` of the test's own, on a free port, persisting to `dir` (append-only, fsynced on
 * every write, so a kill loses nothing it acknowledged). Never the shared one: tests may stop it.
 */
export class OwnRedisServer {
  private process?: ServerProcess;

  private constructor(readonly port: number, private readonly dir: string) {}

  static async start(dir: string): Promise<OwnRedisServer> {
    const server = new OwnRedisServer(await freePort(), dir);
    await server.restart();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it again (after `kill`), with the data it had persisted. */
  async restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
    this.process = ServerProcess.start('redis-server', args, { cwd: this.dir, env: process.env });
    await this.process.waitForOutput(/Ready to accept connections/, 10_000);
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing answers. */
  pause(): void {
    this.process?.signal('SIGSTOP');
  }

  resume(): void {
    this.process?.signal('SIGCONT');
  }

  /** SIGKILL, as a crash would. */
  kill(): Promise<void> {
    return this.process!.stop(0);
  }

  async stop(): Promise<void> {
    this.resume();
    await this.process?.stop();
  }
}
