import { startServer, TestServer } from './support/test-server';
import { BatchApi, makeUsers, readRunEvents, until } from './support/batch-api';
import { parseCsv } from '@userscope/batch';
import { BatchProbe, Gate } from './fixtures/batch.plugin';

const CONFIG = 'test/fixtures/batch.yml';
const BOM = '\uFEFF';

const byUser = <T extends { userId: string }>(items: T[]): Record<string, T> => Object.fromEntries(items.map((item) => [item.userId, item]));
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('batch runs', () => {
  let server: TestServer;
  let api: BatchApi;
  const users = makeUsers(200);
  const userIds = users.map((user) => user.id as string);

  beforeAll(async () => {
    server = await startServer(CONFIG, { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '' });
    api = new BatchApi(server.url);
    await api.importUsers(users);
  });
  afterAll(() => server.close());
  beforeEach(() => BatchProbe.reset());

  describe('a run of 200 users: a per-user function, then a template', () => {
    let runId: string;
    let run: any;

    beforeAll(async () => {
      const reply = await api.post('/api/runs', { workflowId: 'notes', userIds, concurrency: 20 });
      expect(reply.status).toBe(202);
      runId = reply.json.runId;
      expect(runId).toMatch(/^[A-Za-z0-9]+$/);
      expect(reply.json.executions).toEqual(userIds.map((userId) => ({ userId, workflowId: `workflow-${userId}-${runId}` })));
      run = await api.finished(runId);
    });

    it('completes with every execution succeeded', () => {
      expect(run).toMatchObject({
        id: runId,
        workflowId: 'notes',
        workflowName: 'Personal note',
        status: 'completed',
        concurrency: 20,
        progress: { total: 200, pending: 0, running: 0, succeeded: 200, failed: 0, cancelled: 0 },
      });
      for (const time of [run.createdAt, run.startedAt, run.finishedAt]) expect(new Date(time).toISOString()).toBe(time);
      expect(run.workflow).toBeUndefined();
      // Ordered by user name (then id), as the directory lists users.
      expect(run.executions.map((e: { userId: string }) => e.userId)).toEqual(userIds);
      for (const execution of run.executions) {
        const user = users.find((u) => u.id === execution.userId)!;
        expect(execution).toEqual({
          id: `workflow-${user.id}-${runId}`,
          userId: user.id,
          userName: user.name,
          status: 'succeeded',
          attempts: 1,
          durationMs: expect.any(Number),
          tokens: 0,
          billedTokens: 0,
        });
      }
    });

    it("ran as each user: every user's own notepad holds exactly their own note", async () => {
      const replies = await Promise.all(users.map((user) => server.post('/generate', { command: 'note', action: 'list' }, user.id as string)));
      replies.forEach((reply, i) => {
        expect(reply.status).toBe(200);
        expect(reply.json.data.notes).toEqual([`Note for ${users[i].name}`]);
      });
    });

    it('groups results by user, nodes in workflow order, the last output as final', async () => {
      const reply = await api.get(`/api/runs/${runId}/results`);
      expect(reply.status).toBe(200);
      expect(reply.json.runId).toBe(runId);
      expect(reply.json.workflowId).toBe('notes');
      expect(reply.json.users.map((u: { userId: string }) => u.userId)).toEqual(userIds);
      for (const result of reply.json.users) {
        const user = users.find((u) => u.id === result.userId)!;
        const who = { userId: user.id, userName: user.name };
        expect(result).toEqual({
          ...who,
          status: 'succeeded',
          durationMs: expect.any(Number),
          tokens: 0,
          billedTokens: 0,
          nodes: [
            {
              ...who,
              nodeId: 'add',
              type: 'function',
              structured: true,
              content: { success: true, message: 'Note added successfully', notes: [], count: 1 },
              tokens: 0,
              durationMs: expect.any(Number),
            },
            { ...who, nodeId: 'report', type: 'template', name: 'Report', structured: false, content: result.final, tokens: 0, durationMs: expect.any(Number) },
          ],
          final: `${user.name} (${user.department}): Note added successfully, 1 note(s)`,
        });
      }
    });

    it('exports the final results as JSON [{user, result}] and as CSV with a BOM', async () => {
      const json = await api.get(`/api/runs/${runId}/export`);
      expect(json.headers.get('content-type')).toContain('application/json');
      expect(json.json).toEqual(users.map((user) => ({ user: user.name, result: `${user.name} (${user.department}): Note added successfully, 1 note(s)` })));

      const csv = await api.get(`/api/runs/${runId}/export?format=csv`);
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toContain(`run-${runId}.csv`);
      expect(csv.text.startsWith(BOM)).toBe(true);
      const { rows } = parseCsv(csv.text);
      expect(rows[0]).toEqual(['user', 'user_id', 'status', 'tokens', 'result', 'error']);
      expect(rows.slice(1)).toEqual(users.map((user) => [user.name, user.id, 'succeeded', '0', `${user.name} (${user.department}): Note added successfully, 1 note(s)`, '']));
      expect((await api.get(`/api/runs/${runId}/export?format=pdf`)).status).toBe(400);
    });

    it('reports analytics: success rate, tokens, p50/p95 durations, overall and by node', async () => {
      const reply = await api.get(`/api/runs/${runId}/analytics`);
      expect(reply.status).toBe(200);
      const durations = run.executions.map((e: { durationMs: number }) => e.durationMs).sort((a: number, b: number) => a - b);
      expect(reply.json).toEqual({
        runId,
        successRate: 1,
        totalTokens: 0,
        billedTokens: 0,
        averageTokens: 0,
        duration: { p50: durations[99], p95: durations[189] },
        byNode: [
          { nodeId: 'add', successRate: 1, totalTokens: 0, averageTokens: 0, duration: { p50: expect.any(Number), p95: expect.any(Number) } },
          { nodeId: 'report', successRate: 1, totalTokens: 0, averageTokens: 0, duration: { p50: expect.any(Number), p95: expect.any(Number) } },
        ],
      });
      for (const node of reply.json.byNode) expect(node.duration.p50).toBeLessThanOrEqual(node.duration.p95);
    });
  });

  it("tells what a new run may ask for: the config's default and most concurrency", async () => {
    const reply = await api.get('/api/runs/settings');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ defaultConcurrency: 10, maxConcurrency: 50 }); // test/fixtures/batch.yml
    // The most is the bound POST /api/runs enforces.
    expect((await api.post('/api/runs', { workflowId: 'notes', userIds: ['u000'], concurrency: 51 })).status).toBe(400);
  });

  it('flattens object results into result.* columns; counts tokens per user, node and run', async () => {
    await api.importUsers([
      { id: 'p1', name: 'Pat One', tokens: 10 },
      { id: 'p2', name: 'Pat Two', tokens: 25 },
      { id: 'p3', name: 'Pat Three' }, // on_missing default:0
    ]);
    const { runId } = await api.startRun({ workflowId: 'profile', userIds: ['p1', 'p2', 'p3'] });
    const run = await api.finished(runId);
    expect(run.status).toBe('completed');
    expect(run.concurrency).toBe(10); // batch.default_concurrency
    expect(run.executions.map((e: any) => [e.userName, e.tokens])).toEqual([['Pat One', 10], ['Pat Three', 0], ['Pat Two', 25]]);

    const results = (await api.get(`/api/runs/${runId}/results`)).json;
    const p1 = byUser<any>(results.users).p1;
    expect(p1.final).toEqual({ greeting: 'Hello Pat One', tokens: 10, tags: ['batch', 'fixture'] });
    expect(p1.nodes.map((n: any) => [n.nodeId, n.type, n.structured, n.tokens])).toEqual([
      ['hello', 'template', false, 0],
      ['usage', 'function', true, 10],
    ]);

    expect((await api.get(`/api/runs/${runId}/export`)).json).toEqual([
      { user: 'Pat One', result: { greeting: 'Hello Pat One', tokens: 10, tags: ['batch', 'fixture'] } },
      { user: 'Pat Three', result: { greeting: 'Hello Pat Three', tokens: 0, tags: ['batch', 'fixture'] } },
      { user: 'Pat Two', result: { greeting: 'Hello Pat Two', tokens: 25, tags: ['batch', 'fixture'] } },
    ]);
    const csv = await api.get(`/api/runs/${runId}/export?format=csv`);
    expect(csv.text.startsWith(BOM)).toBe(true);
    expect(parseCsv(csv.text).rows).toEqual([
      ['user', 'user_id', 'status', 'tokens', 'result.greeting', 'result.tokens', 'result.tags', 'error'],
      ['Pat One', 'p1', 'succeeded', '10', 'Hello Pat One', '10', '["batch","fixture"]', ''],
      ['Pat Three', 'p3', 'succeeded', '0', 'Hello Pat Three', '0', '["batch","fixture"]', ''],
      ['Pat Two', 'p2', 'succeeded', '25', 'Hello Pat Two', '25', '["batch","fixture"]', ''],
    ]);

    const analytics = (await api.get(`/api/runs/${runId}/analytics`)).json;
    expect(analytics).toMatchObject({ successRate: 1, totalTokens: 35, averageTokens: 11.6667 });
    expect(analytics.byNode.map((n: any) => [n.nodeId, n.totalTokens, n.averageTokens])).toEqual([
      ['hello', 0, 0],
      ['usage', 35, 11.6667],
    ]);
  });

  it('never runs more executions at once than the concurrency asks', async () => {
    const { runId } = await api.startRun({ workflowId: 'concurrency', userIds, concurrency: 7 });
    const run = await api.finished(runId);
    expect(run.status).toBe('completed');
    expect(run.progress.succeeded).toBe(200);
    expect(BatchProbe.maxRunning).toBeLessThanOrEqual(7);
    expect(BatchProbe.maxRunning).toBeGreaterThan(1);
  });

  describe('retries', () => {
    const flakyUsers = ['u000', 'u001', 'u002', 'u003'];

    it('retries failures up to batch.max_attempts, recording attempts and the last error', async () => {
      BatchProbe.failFirst.set('u000', 1);
      BatchProbe.failFirst.set('u001', 2);
      BatchProbe.alwaysFail.add('u002');
      const { runId } = await api.startRun({ workflowId: 'flaky', userIds: flakyUsers });
      const run = await api.finished(runId);
      expect(run.status).toBe('completed');
      expect(run.progress).toMatchObject({ succeeded: 3, failed: 1 });
      const executions = byUser<any>(run.executions);
      expect(executions.u000).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(executions.u001).toMatchObject({ status: 'succeeded', attempts: 3 });
      expect(executions.u002).toMatchObject({ status: 'failed', attempts: 3, error: 'flaky failure 3 for u002' });
      expect(executions.u003).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(executions.u003.error).toBeUndefined();
      expect(executions.u000.error).toBeUndefined(); // it failed once: the error its retry succeeded after is gone
      expect(BatchProbe.attempts.get('u002')).toBe(3);

      const results = byUser<any>((await api.get(`/api/runs/${runId}/results`)).json.users);
      expect(results.u001.final).toBe('User U001 took 3 attempt(s)');
      expect(results.u002).toMatchObject({ status: 'failed', error: 'flaky failure 3 for u002', nodes: [] });
      expect(results.u002.final).toBeUndefined();
      expect((await api.get(`/api/runs/${runId}/export`)).json.map((r: any) => r.user)).toEqual(['User U000', 'User U001', 'User U003']);
      expect(parseCsv((await api.get(`/api/runs/${runId}/export?format=csv`)).text).rows).toEqual([
        ['user', 'user_id', 'status', 'tokens', 'result', 'error'],
        ['User U000', 'u000', 'succeeded', '0', 'User U000 took 2 attempt(s)', ''],
        ['User U001', 'u001', 'succeeded', '0', 'User U001 took 3 attempt(s)', ''],
        ['User U002', 'u002', 'failed', '0', '', 'flaky failure 3 for u002'],
        ['User U003', 'u003', 'succeeded', '0', 'User U003 took 1 attempt(s)', ''],
      ]);
      expect((await api.get(`/api/runs/${runId}/analytics`)).json.successRate).toBe(0.75);

      // Fixed: retry-failed runs the failed execution again, and only it.
      BatchProbe.alwaysFail.clear();
      const retry = await api.post(`/api/runs/${runId}/retry-failed`);
      expect(retry.status).toBe(202);
      expect(retry.json.id).toBe(runId);
      const retried = await api.finished(runId);
      expect(retried.status).toBe('completed');
      expect(retried.progress).toMatchObject({ total: 4, succeeded: 4, failed: 0 });
      const after = byUser<any>(retried.executions);
      expect(after.u002).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(after.u002.error).toBeUndefined();
      expect(after.u000.attempts).toBe(2);
      expect(BatchProbe.attempts.get('u000')).toBe(2);
      expect(byUser<any>((await api.get(`/api/runs/${runId}/results`)).json.users).u002.final).toBe('User U002 took 4 attempt(s)');
    });

    it('fails, rather than leaves pending, a retried execution whose user has left the directory', async () => {
      await api.importUsers([{ id: 'leaver', name: 'Leaver' }]);
      BatchProbe.alwaysFail.add('leaver');
      const { runId } = await api.startRun({ workflowId: 'flaky', userIds: ['leaver', 'u020'] });
      expect((await api.finished(runId)).progress).toMatchObject({ succeeded: 1, failed: 1 });
      expect((await api.delete('/api/users/leaver')).status).toBe(204);
      BatchProbe.alwaysFail.clear();
      expect((await api.post(`/api/runs/${runId}/retry-failed`)).status).toBe(202);
      const run = await api.finished(runId);
      expect(run.progress).toMatchObject({ pending: 0, succeeded: 1, failed: 1 });
      expect(byUser<any>(run.executions).leaver).toMatchObject({ status: 'failed', error: "No user 'leaver' in the directory." });
    });

    it('marks a run in which every execution failed as failed', async () => {
      BatchProbe.alwaysFail.add('u010').add('u011');
      const { runId } = await api.startRun({ workflowId: 'flaky', userIds: ['u010', 'u011'] });
      const run = await api.finished(runId);
      expect(run.status).toBe('failed');
      expect(run.progress).toMatchObject({ total: 2, failed: 2 });
      expect((await api.post(`/api/runs/${runId}/cancel`)).status).toBe(409);
      expect((await api.post('/api/runs/nothing/retry-failed')).status).toBe(404);
    });
  });

  describe('cancel', () => {
    it('cancels pending executions, lets running ones stop at their next node, starts no more', async () => {
      const gate = (BatchProbe.gate = new Gate());
      const selected = userIds.slice(0, 20);
      const { runId } = await api.startRun({ workflowId: 'slow', userIds: selected, concurrency: 2 });
      await until(() => BatchProbe.started.size === 2);
      const cancelling = api.post(`/api/runs/${runId}/cancel`);
      await until(async () => (await api.get(`/api/runs/${runId}`)).json.status === 'cancelled');
      gate.open();
      const reply = await cancelling;
      expect(reply.status).toBe(200);
      expect(reply.json.status).toBe('cancelled');
      expect(reply.json.finishedAt).toEqual(expect.any(String));
      expect(reply.json.progress).toEqual({ total: 20, pending: 0, running: 0, succeeded: 0, failed: 0, cancelled: 20 });
      const started = [...BatchProbe.started.keys()];
      expect(started).toHaveLength(2);
      for (const execution of reply.json.executions) {
        expect(execution.status).toBe('cancelled');
        expect(execution.attempts).toBe(started.includes(execution.userId) ? 1 : 0);
      }
      expect((await api.get(`/api/runs/${runId}`)).json).toEqual(reply.json);
      expect((await api.post(`/api/runs/${runId}/cancel`)).status).toBe(409);
      expect(BatchProbe.started.size).toBe(2);
    });
  });

  describe('events', () => {
    it('streams a snapshot, execution and progress changes, then the end', async () => {
      const gate = (BatchProbe.gate = new Gate());
      const selected = userIds.slice(0, 5);
      const { runId } = await api.startRun({ workflowId: 'slow', userIds: selected, concurrency: 2 });
      const { contentType, events } = await readRunEvents(`${server.url}/api/runs/${runId}/events`, (event) => {
        if (event.event === 'snapshot') gate.open();
      });
      expect(contentType).toContain('text/event-stream');
      const [snapshot, ...rest] = events;
      expect(snapshot.event).toBe('snapshot');
      expect(snapshot.data).toMatchObject({ id: runId, workflowId: 'slow', status: 'running', progress: { total: 5 } });
      expect((snapshot.data as any).executions).toHaveLength(5);
      expect(rest[rest.length - 1]).toEqual({ event: 'end', data: { status: 'completed' } });
      expect(rest.filter((e) => e.event === 'end')).toHaveLength(1);
      const progress = rest.filter((e) => e.event === 'progress');
      expect(progress[progress.length - 1].data).toEqual({ total: 5, pending: 0, running: 0, succeeded: 5, failed: 0, cancelled: 0 });
      const executions = rest.filter((e) => e.event === 'execution').map((e) => e.data as any);
      for (const userId of selected) {
        const mine = executions.filter((e) => e.userId === userId);
        expect(mine[mine.length - 1]).toMatchObject({ id: `workflow-${userId}-${runId}`, status: 'succeeded', attempts: 1 });
      }
      // Users the snapshot showed pending are seen running, then succeeded.
      const pendingAtSnapshot = (snapshot.data as any).executions.filter((e: any) => e.status === 'pending').map((e: any) => e.userId);
      expect(pendingAtSnapshot.length).toBeGreaterThanOrEqual(3);
      for (const userId of pendingAtSnapshot) {
        expect(executions.filter((e) => e.userId === userId).map((e) => e.status)).toEqual(['running', 'succeeded']);
      }
    });

    it('ends at once for a finished run, and answers 404 for an unknown one', async () => {
      const { runId } = await api.startRun({ workflowId: 'concurrency', userIds: ['u000'] });
      await api.finished(runId);
      const { events } = await readRunEvents(`${server.url}/api/runs/${runId}/events`);
      expect(events.map((e) => e.event)).toEqual(['snapshot', 'end']);
      expect(events[1].data).toEqual({ status: 'completed' });
      const missing = await api.get('/api/runs/nothing/events');
      expect(missing.status).toBe(404);
      expect(missing.json.code).toBe('not_found');
    });
  });

  it('lists the run history newest first, with paging and without executions', async () => {
    const started: string[] = [];
    for (const workflowId of ['concurrency', 'profile', 'concurrency']) {
      const { runId } = await api.startRun({ workflowId, userIds: ['u000'] });
      await api.finished(runId);
      started.push(runId);
    }
    const history = (await api.get('/api/runs')).json;
    expect(history.items.slice(0, 3).map((r: { id: string }) => r.id)).toEqual([...started].reverse());
    expect(history.total).toBe(history.items.length);
    const times = history.items.map((r: { createdAt: string }) => r.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(history.items[1]).toEqual({
      id: started[1],
      workflowId: 'profile',
      workflowName: 'Profile',
      status: 'completed',
      concurrency: 10,
      createdAt: expect.any(String),
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      progress: { total: 1, pending: 0, running: 0, succeeded: 1, failed: 0, cancelled: 0 },
      tokens: 0,
      billedTokens: 0,
    });
    const page = (await api.get('/api/runs?offset=1&limit=1')).json;
    expect(page).toEqual({ items: [history.items[1]], total: history.total });
    expect((await api.get('/api/runs/nothing')).status).toBe(404);
  });
});

describe('batch runs with a long retry backoff', () => {
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    server = await startServer(CONFIG, { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '', RETRY_BACKOFF: '30s' });
    api = new BatchApi(server.url);
    await api.importUsers(makeUsers(3, 'b'));
  });
  afterAll(() => server.close());
  beforeEach(() => BatchProbe.reset());

  it('cancels an execution waiting to retry at once, and marks it cancelled', async () => {
    BatchProbe.alwaysFail.add('b000');
    const { runId } = await api.startRun({ workflowId: 'flaky', userIds: ['b000', 'b001', 'b002'], concurrency: 1 });
    await until(() => BatchProbe.attempts.get('b000') === 1);
    const started = Date.now();
    const reply = await api.post(`/api/runs/${runId}/cancel`);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(reply.json.status).toBe('cancelled');
    expect(byUser<any>(reply.json.executions)).toMatchObject({
      b000: { status: 'cancelled', attempts: 1 },
      b001: { status: 'cancelled', attempts: 0 },
      b002: { status: 'cancelled', attempts: 0 },
    });
    expect(reply.json.progress).toMatchObject({ running: 0, cancelled: 3 });
  });

  it('retry-failed runs the cancelled executions again', async () => {
    const history = (await api.get('/api/runs')).json.items;
    const cancelled = history.find((r: { status: string }) => r.status === 'cancelled');
    const retry = await api.post(`/api/runs/${cancelled.id}/retry-failed`);
    expect(retry.status).toBe(202);
    const run = await api.finished(cancelled.id);
    expect(run.status).toBe('completed');
    expect(run.progress).toMatchObject({ total: 3, succeeded: 3 });
    expect(sum(run.executions.map((e: { attempts: number }) => e.attempts))).toBe(3);
  });
});

describe('batch runs when the server closes', () => {
  it('ends open event streams at once (without end) instead of waiting for the run', async () => {
    BatchProbe.reset();
    const server = await startServer(CONFIG, { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '' });
    const api = new BatchApi(server.url);
    const users = makeUsers(100, 's');
    await api.importUsers(users);
    BatchProbe.slowMs = 20; // 100 users one at a time: 2 s or more
    const { runId } = await api.startRun({ workflowId: 'slow', userIds: users.map((u) => u.id as string), concurrency: 1 });
    let snapshot = false;
    const reading = readRunEvents(`${server.url}/api/runs/${runId}/events`, (event) => {
      snapshot ||= event.event === 'snapshot';
    });
    await until(() => snapshot);
    const closing = Date.now();
    await server.close();
    expect(Date.now() - closing).toBeLessThan(1000);
    const { events } = await reading;
    expect(events.map((e) => e.event)).not.toContain('end');
    expect(BatchProbe.completions.size).toBeLessThan(50);
  });
});
