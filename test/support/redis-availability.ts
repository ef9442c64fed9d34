import { spawnSync } from 'node:child_process';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
export const START_REDIS = "redis-server --daemonize yes --port 6379 --save '' --appendonly no";

/** Asked in a child process, so the answer is known while jest collects the tests. */
export function redisAnswers(url: string): boolean {
  const script = [
    "const Redis = require('ioredis');",
    'const r = new Redis(process.argv[1], { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });',
    'r.connect().then(() => r.ping()).then(() => process.exit(0), () => process.exit(1));',
  ].join('\n');
  return spawnSync(process.execPath, ['-e', script, url], { timeout: 5000, stdio: 'ignore' }).status === 0;
}

/**
 * Whether the suite `name` can use Redis. Without it, one loud line says the suite is skipped, or,
 * under CI=true, its placeholder test fails instead.
 */
export function describeWithRedis(name: string, body: () => void): void {
  const available = redisAnswers(REDIS_URL);
  const required = process.env.CI === 'true';
  if (!available && !required) {
    console.warn(`!!! Redis at ${REDIS_URL} does not answer: the ${name} tests are SKIPPED. Start one with: ${START_REDIS} (or set REDIS_URL) !!!`);
  }
  describe(name, () => {
    if (available) return body();
    if (required) {
      it('needs a Redis server under CI', () => {
        throw new Error(`Redis at ${REDIS_URL} does not answer; CI=true requires it. Start one with: ${START_REDIS}`);
      });
    } else {
      // Skipped, loudly, only outside CI when the machine lacks it; under CI=true the test above fails instead.
      it.skip(`needs Redis at ${REDIS_URL}`, () => undefined);
    }
  });
}
