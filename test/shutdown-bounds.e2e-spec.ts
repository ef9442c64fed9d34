import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { until } from './support/batch-api';
import { CliServer, startCliServer } from './support/cli-server';
import { OwnRedisServer, REDIS_URL, requireRedis } from './support/redis';

const CONFIG = 'test/fixtures/faults.yml';
const GRACE_MS = 500;
/** What the README promises: shutdown_grace_period plus a small margin (2 s), and a second for the process itself. */
const EXIT_BOUND_MS = GRACE_MS + 2000 + 1000;

async function post(server: CliServer, path: string, body: unknown, user?: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { cookie: `nat-session=${user}` } : {}) },
    body: JSON.stringify(body),
  });
}

/** Starts a run of `workflowId` for two users, and waits until both executions hang. */
async function startHangingRun(server: CliServer, workflowId: string): Promise<string> {
  await post(server, '/api/users/import', [{ id: 'ann', name: 'Ann' }, { id: 'ben', name: 'Ben' }]);
  const started = await post(server, '/api/runs', { workflowId, all: true });
  const { runId } = (await started.json()) as { runId: string };
  for (let i = 0; i < 100; i++) {
    const run = (await (await fetch(`${server.url}/api/runs/${runId}`)).json()) as { executions: { status: string }[] };
    if (run.executions.every((e: { status: string }) => e.status === 'running')) return runId;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`run ${runId} never had both executions running`);
}

/** SIGTERM, then the exit code and how long the exit took. */
async function terminate(server: CliServer): Promise<{ code: number | null; ms: number }> {
  const started = performance.now();
  server.process.kill('SIGTERM');
  const code = await Promise.race([server.process.exited, new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), EXIT_BOUND_MS + 3000))]);
  if (code === 'late') throw new Error(`still running ${EXIT_BOUND_MS + 3000} ms after SIGTERM:\n${server.process.printed.slice(-3000)}`);
  return { code, ms: performance.now() - started };
}

describe('SIGTERM is bounded (userscope serve)', () => {
  let server: CliServer | undefined;
  afterEach(async () => {
    await server?.process.stop(1000);
    server = undefined;
  });

  it('exits 0 within the grace period plus the margin with a hung request and a hung cleanup, naming what it abandoned', async () => {
    server = await startCliServer(CONFIG, { SHUTDOWN_GRACE: `${GRACE_MS}ms` });
    expect((await post(server, '/generate', { action: 'hang_cleanup' }, 'carl')).status).toBe(200);
    void post(server, '/generate', { action: 'hang' }, 'dora').catch(() => undefined);
    await until(async () => ((await (await fetch(`${server!.url}/monitor/users?user_id=dora`)).json()) as any).users?.[0]?.requests.active_requests === 1);
    const { code, ms } = await terminate(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    expect(server.process.printed).toMatch(/Abandoned at shutdown: .*cleanup of user 'carl'/);
    expect(server.process.printed).toContain('fault:cleanup:dora');
  });

  it('with the memory store, exits 0 within the bound and logs the runs that were lost', async () => {
    server = await startCliServer(CONFIG, { SHUTDOWN_GRACE: `${GRACE_MS}ms` });
    const runId = await startHangingRun(server, 'hang');
    const { code, ms } = await terminate(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    expect(server.process.printed).toMatch(new RegExp(`Run ${runId} is lost \\(batch\\.store: memory\\): 2 of 2 execution\\(s\\) unfinished`));
    expect(server.process.printed).toContain('Stopped cleanly');
  });
});

describe('SIGTERM with store: redis', () => {
  if (!requireRedis('SIGTERM with store: redis', 'REDIS_URL')) return;

  const prefix = `userscope-test-shutdown-${randomBytes(6).toString('hex')}:`;
  let server: CliServer | undefined;
  afterEach(async () => {
    await server?.process.stop(1000);
    server = undefined;
  });
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('exits 0 within the bound while executions hang, leaving the run to resume', async () => {
    server = await startCliServer(CONFIG, { SHUTDOWN_GRACE: `${GRACE_MS}ms`, BATCH_STORE: 'redis', REDIS_URL, BATCH_KEY_PREFIX: prefix });
    const runId = await startHangingRun(server, 'hang');
    const { code, ms } = await terminate(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    expect(server.process.printed).toMatch(new RegExp(`Run ${runId} left unfinished: 2 execution\\(s\\) resume on the next start`));
  });
});

describe('SIGTERM while the batch store\'s Redis is frozen', () => {
  if (!requireRedis('frozen Redis at shutdown', 'redis-server')) return;

  const dir = mkdtempSync(join(tmpdir(), 'userscope-frozen-redis-'));
  let redis: OwnRedisServer;
  let server: CliServer | undefined;
  beforeAll(async () => {
    redis = await OwnRedisServer.start(dir);
  });
  afterEach(async () => {
    redis.resume();
    await server?.process.stop(1000);
    server = undefined;
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives up on QUIT, drops the connection, says so, and exits 0 cleanly within the bound', async () => {
    server = await startCliServer(CONFIG, { SHUTDOWN_GRACE: `${GRACE_MS}ms`, BATCH_STORE: 'redis', REDIS_URL: redis.url, BATCH_KEY_PREFIX: 'frozen:' });
    // SIGSTOP: the connection stays open and nothing answers, so QUIT never gets its reply.
    redis.pause();
    const { code, ms } = await terminate(server);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(EXIT_BOUND_MS);
    expect(server.process.printed).toMatch(new RegExp(`Gave up closing the batch store \\(redis at 127\\.0\\.0\\.1:${redis.port}\\): Redis did not answer QUIT within 1000 ms; connection dropped`));
    // Bounded by the store itself, not cut short by shutdown's own deadline.
    expect(server.process.printed).toContain('Stopped cleanly');
    expect(server.process.printed).not.toContain('exiting anyway');
  });
});
