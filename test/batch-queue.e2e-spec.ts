import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { FixedLatencyModelServer } from '../bench/harness/fixed-latency-model.server';
import { startServer, TestServer } from './support/test-server';
import { BatchApi, readRunEvents, until } from './support/batch-api';
import { CliWorker, startCliServer, startCliWorker } from './support/cli-server';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';

const CONFIG = 'test/fixtures/batch-llm.yml';
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'libs', 'userscope', 'dist', 'cli.js');

/** Runs the built CLI to its end, without blocking this process (whose servers it talks to). */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}
/** Each call of the fixture's model takes this long, and bills 30 tokens. */
const LATENCY_MS = 100;

/**
 * batch.queue: bullmq with real worker processes (`userscope worker`) on one Redis: a server that
 * works no jobs itself starts the runs, three workers work them, a model server on loopback counts
 * every call.
 */
describe('batch runs on BullMQ workers', () => {
  if (!requireRedis('batch queue', 'REDIS_URL')) return;

  const prefix = `userscope-test-queue-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  let model: FixedLatencyModelServer;
  let server: TestServer;
  let api: BatchApi;
  let workers: CliWorker[] = [];
  // A job lock a loaded machine's workers can renew (a lock that lapses under a starved CPU repeats a call), yet short
  // enough for the kill -9 test to see the killed worker's jobs taken over.
  const env = () => ({ BATCH_STORE: 'redis', BATCH_QUEUE: 'bullmq', REDIS_URL, BATCH_KEY_PREFIX: prefix, MODEL_URL: model.url, JOB_LOCK: '6s', RUN_LEASE_TTL: '2s' });
  const startWorkers = async (count: number) => {
    const started = await Promise.all(Array.from({ length: count }, () => startCliWorker(CONFIG, env(), 20)));
    workers.push(...started);
    return started;
  };
  /** How many times the model was asked for each prompt, for the prompts asked more than once. */
  const repeatedPrompts = () => {
    const counts = new Map<string, number>();
    for (const prompt of model.prompts) counts.set(prompt, (counts.get(prompt) ?? 0) + 1);
    return [...counts].filter(([, count]) => count > 1);
  };

  beforeAll(async () => {
    await redis.connect();
    model = await FixedLatencyModelServer.start(LATENCY_MS);
    server = await startServer(CONFIG, { ...process.env, ...env(), BATCH_WORKER: 'false' });
    api = new BatchApi(server.url);
    await api.importUsers(Array.from({ length: 600 }, (_, i) => ({ id: `u${i}`, name: `User ${i}`, role: i % 2 ? 'Designer' : 'Engineer' })));
    await startWorkers(3);
  }, 60_000);
  afterEach(() => {
    model.requests = 0;
    model.maxInFlight = 0;
    model.aborted = 0;
    model.prompts.length = 0;
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.process.stop(5000)));
    await server?.close();
    await model?.close();
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  const userIds = (from: number, count: number) => Array.from({ length: count }, (_, i) => `u${from + i}`);

  it('lists its workers and the queue in GET /api/workers', async () => {
    const reply = await api.get('/api/workers');
    expect(reply.status).toBe(200);
    expect(reply.json.queue).toBe('bullmq');
    expect(reply.json.workers.map((w: { id: string }) => w.id).sort()).toEqual(workers.map((w) => w.id).sort());
    expect(reply.json.workers[0]).toMatchObject({ concurrency: 20, active: 0 });
    expect(reply.json.jobs).toMatchObject({ waiting: 0, active: 0 });
    expect(reply.json.runs).toEqual([]);
    const metrics = (await api.get('/metrics')).text;
    expect(metrics).toMatch(/^userscope_batch_workers 3$/m);
    expect(metrics).toMatch(/^userscope_batch_queue_jobs\{state="waiting"\} 0$/m);
  });

  it('shows a live run\'s executions and the queue\'s jobs while it runs', async () => {
    const { runId } = await api.startRun({ workflowId: 'script', userIds: userIds(0, 100), concurrency: 10 });
    await until(() => model.requests >= 10, 20_000);
    const { json } = await api.get('/api/workers');
    expect(json.runs).toEqual([expect.objectContaining({ runId, status: 'running' })]);
    expect(json.runs[0].running + json.runs[0].pending).toBeGreaterThan(0);
    expect(json.jobs.active + json.jobs.waiting).toBeGreaterThan(0);
    expect(json.jobs.active + json.jobs.waiting).toBeLessThanOrEqual(10); // never more queued than the run's concurrency
    expect((await api.post(`/api/runs/${runId}/cancel`, {})).status).toBe(200);
    await api.finished(runId, 10_000);
  }, 30_000);

  it('runs 300 users on three workers: one model call each, the run concurrency held across them, totals that match', async () => {
    const { runId } = await api.startRun({ workflowId: 'script', userIds: userIds(0, 300), concurrency: 30 });
    const run = await api.finished(runId, 30_000);
    expect(run).toMatchObject({ status: 'completed', progress: { total: 300, succeeded: 300, failed: 0 } });
    expect(model.requests).toBe(300);
    expect(repeatedPrompts()).toEqual([]);
    // 3 workers × 20 slots could run 60 at once; the run asked for 30.
    expect(model.maxInFlight).toBeLessThanOrEqual(30);
    expect(model.maxInFlight).toBeGreaterThan(20); // more than one worker's slots: the work was spread
    expect(run.tokens).toBe(300 * 30);
    expect(run.billedTokens).toBe(300 * 30);
    const analytics = (await api.get(`/api/runs/${runId}/analytics`)).json;
    expect(analytics.totalTokens).toBe(300 * 30);
    const results = (await api.get(`/api/runs/${runId}/results`)).json;
    expect(results.users).toHaveLength(300);
    expect(results.users.every((user: { nodes: unknown[] }) => user.nodes.length === 1)).toBe(true);
  }, 60_000);

  it('loses nothing and records nothing twice when a worker is killed with -9 mid-run', async () => {
    const { runId } = await api.startRun({ workflowId: 'script', userIds: userIds(0, 300), concurrency: 30 });
    await until(() => model.requests >= 80, 20_000);
    const victim = workers.shift()!;
    victim.process.kill('SIGKILL');
    const run = await api.finished(runId, 60_000);
    expect(run).toMatchObject({ status: 'completed', progress: { total: 300, succeeded: 300, failed: 0 } });
    // The killed worker's calls in flight ran again elsewhere (at most its 20 slots); nothing else did.
    expect(model.requests).toBeGreaterThanOrEqual(300);
    expect(model.requests).toBeLessThanOrEqual(320);
    expect(repeatedPrompts().length).toBe(model.requests - 300);
    expect(new Set(model.prompts).size).toBe(300);
    // Recorded once each: every user's execution succeeded, with one result and one call's tokens.
    expect(run.tokens).toBe(300 * 30);
    const results = (await api.get(`/api/runs/${runId}/results`)).json;
    expect(results.users.filter((user: { status: string; nodes: unknown[] }) => user.status === 'succeeded' && user.nodes.length === 1)).toHaveLength(300);
    await startWorkers(1);
  }, 90_000);

  it('cancel stops every worker within a second and aborts their calls in flight', async () => {
    const { runId } = await api.startRun({ workflowId: 'script', userIds: userIds(0, 300), concurrency: 30 });
    await until(() => model.requests >= 60, 20_000);
    const cancelled = await api.post(`/api/runs/${runId}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const atOneSecond = model.requests;
    expect(model.inFlight).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(model.requests).toBe(atOneSecond); // no worker started another call
    const run = await api.finished(runId, 10_000);
    expect(run.status).toBe('cancelled');
    await until(async () => (await api.get(`/api/runs/${runId}?limit=1000`)).json.progress.running === 0, 5000);
    const { progress } = (await api.get(`/api/runs/${runId}`)).json;
    expect(progress.pending).toBe(0);
    expect(progress.succeeded + progress.cancelled).toBe(300);
    expect(progress.succeeded).toBeLessThan(300);
  }, 60_000);

  it("goes on when the run's holder is killed with -9: another server takes the run over, and no call is made twice", async () => {
    const holder = await startCliServer(CONFIG, { ...env(), BATCH_WORKER: 'false' });
    try {
      const { runId } = await new BatchApi(holder.url).startRun({ workflowId: 'script', userIds: userIds(0, 300), concurrency: 30 });
      await until(() => model.requests >= 60, 20_000);
      holder.process.kill('SIGKILL');
      // This suite's server takes it over once its lease (2 s) has expired.
      const run = await api.finished(runId, 60_000);
      expect(run).toMatchObject({ status: 'completed', progress: { total: 300, succeeded: 300, failed: 0 } });
      expect(repeatedPrompts()).toEqual([]);
      expect(model.requests).toBe(300);
      expect(run.tokens).toBe(300 * 30);
    } finally {
      await holder.process.stop(1000);
    }
  }, 90_000);

  it('streams the events of executions on the workers from a server that does not hold the run', async () => {
    const other = await startCliServer(CONFIG, { ...env(), BATCH_WORKER: 'false' });
    try {
      const { runId } = await api.startRun({ workflowId: 'script', userIds: userIds(0, 100), concurrency: 20 });
      const { events } = await readRunEvents(`${other.url}/api/runs/${runId}/events`, undefined, 30_000);
      expect(events[0].event).toBe('snapshot');
      const executions = events.filter((e) => e.event === 'execution').map((e) => e.data as { userId: string; status: string });
      const succeeded = new Set(executions.filter((e) => e.status === 'succeeded').map((e) => e.userId));
      expect(succeeded.size).toBe(100);
      const progress = events.filter((e) => e.event === 'progress');
      expect(progress.length).toBeGreaterThan(1);
      expect(progress[progress.length - 1].data).toMatchObject({ total: 100, succeeded: 100 });
      expect(events[events.length - 1]).toEqual({ event: 'end', data: { status: 'completed' } });
    } finally {
      await other.process.stop(2000);
    }
  }, 60_000);

  it('userscope batch --queue submits to the workers and follows the run to its end', async () => {
    // Not spawnSync: the model server answers from this process.
    const cli = await runCli(['batch', '--config_file', CONFIG, '--workflow', 'script', '--users', 'all', '--concurrency', '60', '--queue'], { ...env(), NO_COLOR: '1' });
    // A worker killed earlier stays listed until its heartbeat is 15 s old.
    expect(cli.stderr).toMatch(/queued: 600 execution\(s\) for [34] worker\(s\)/);
    expect(cli.stdout).toContain('600/600 succeeded');
    expect(cli.status).toBe(0);
    expect(model.requests).toBe(600);
    expect(model.maxInFlight).toBeLessThanOrEqual(60);
  }, 90_000);

  it('userscope worker refuses a config without a job queue, saying what to set', async () => {
    const cli = await runCli(['worker', '--config_file', CONFIG], { MODEL_URL: model.url });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('set batch.queue: bullmq (with batch.store: redis)');
  });

  it('a small run started after a big one finishes while the big one still runs', async () => {
    const big = await api.startRun({ workflowId: 'script', userIds: userIds(0, 600), concurrency: 20 });
    await until(() => model.requests >= 40, 20_000);
    const small = await api.startRun({ workflowId: 'script', userIds: userIds(0, 10), concurrency: 10 });
    const smallRun = await api.finished(small.runId, 20_000);
    expect(smallRun).toMatchObject({ status: 'completed', progress: { succeeded: 10 } });
    const bigNow = (await api.get(`/api/runs/${big.runId}`)).json;
    expect(bigNow.status).toBe('running');
    expect(bigNow.progress.succeeded).toBeLessThan(500);
    expect((await api.post(`/api/runs/${big.runId}/cancel`, {})).status).toBe(200);
  }, 60_000);
});
