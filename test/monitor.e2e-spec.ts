import { ExecutionContext } from '@nestjs/common';
import { AdminGuard } from '@userscope/http';
import { UserscopeConfig, UserscopeHttpError } from '@userscope/runtime';
import { startServer, TestServer } from './support/test-server';
import { lifecycleLog } from './fixtures/lifecycle.plugin';
import { BatchApi, until } from './support/batch-api';
import { BatchProbe, Gate } from './fixtures/batch.plugin';

const ADMIN_TOKEN = 'a-very-long-admin-token-for-tests';

async function get(server: TestServer, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}${path}`, { headers });
  return { status: response.status, json: (await response.json()) as any };
}

describe('GET /monitor/users on the seed example', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('configs/config.yml');
    await server.post('/generate', { command: 'note', action: 'add', param1: 'x' }, 'alice');
    await server.post('/generate', { command: 'stats' }, 'alice');
    await server.post('/generate', { command: 'help' }, 'bob');
  });
  afterAll(() => server.close());

  it.each([
    ['x-forwarded-for', '203.0.113.9'],
    ['forwarded', 'for=203.0.113.9'],
    ['x-real-ip', '203.0.113.9'],
    ['true-client-ip', '203.0.113.9'],
    ['cf-connecting-ip', '203.0.113.9'],
    ['x-client-ip', '203.0.113.9'],
  ])('refuses a loopback request a proxy relayed (%s), which may be for a client anywhere: 403 naming the header', async (header, value) => {
    for (const path of ['/monitor/users', '/metrics']) {
      const response = await fetch(`${server.url}${path}`, { headers: { [header]: value } });
      expect(response.status).toBe(403);
      expect(((await response.json()) as { message: string }).message).toContain(`relayed by a proxy (${header})`);
    }
    const deleted = await fetch(`${server.url}/monitor/users/bob`, { method: 'DELETE', headers: { [header]: value } });
    expect(deleted.status).toBe(403);
    expect((await get(server, '/monitor/users')).json.total_active_users).toBe(2); // bob's session still there
  });

  it("answers in NAT's shape, with the llm block, to a loopback client", async () => {
    const { status, json } = await get(server, '/monitor/users');
    expect(status).toBe(200);
    expect(Object.keys(json)).toEqual(['timestamp', 'total_active_users', 'users']);
    expect(json.total_active_users).toBe(2);
    const alice = json.users.find((user: { user_id: string }) => user.user_id === 'alice');
    expect(Object.keys(alice)).toEqual(['user_id', 'session', 'requests', 'memory', 'llm']);
    expect(Object.keys(alice.session)).toEqual(['created_at', 'last_activity', 'ref_count', 'is_active']);
    expect(Object.keys(alice.requests)).toEqual(['total_requests', 'active_requests', 'avg_latency_ms', 'error_count']);
    expect(alice).toMatchObject({
      session: { ref_count: 0, is_active: false },
      requests: { total_requests: 2, active_requests: 0, error_count: 0 },
      memory: { per_user_functions_count: 3, per_user_function_groups_count: 0, exit_stack_size: 3 },
      llm: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, llm_calls: 0, cost_micros: {} },
    });
    expect(alice.requests.avg_latency_ms).toBeGreaterThan(0);
    expect(Date.parse(alice.session.created_at)).toBeLessThanOrEqual(Date.parse(alice.session.last_activity));
  });

  it('filters by ?user_id= and answers 404 for a user without a session', async () => {
    const one = await get(server, '/monitor/users?user_id=bob');
    expect(one.json.users.map((user: { user_id: string }) => user.user_id)).toEqual(['bob']);
    const missing = await get(server, '/monitor/users?user_id=nobody');
    expect(missing.status).toBe(404);
    expect(missing.json.message).toContain("'nobody'");
  });
});

describe('GET /metrics', () => {
  it('exposes sessions, request latency by route and status, and cleanup errors in Prometheus format', async () => {
    const server = await startServer('test/fixtures/lifecycle.yml', { ...process.env, ADMIN_TOKEN });
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    try {
      await server.post('/generate', {}, 'm1');
      await server.post('/generate', {}, 'bad-m2');
      await server.post('/generate', { hold: 'yes' }, 'm1'); // a 400
      await fetch(`${server.url}/monitor/users/bad-m2`, { method: 'DELETE', headers: auth }); // its cleanup throws
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      const response = await fetch(`${server.url}/metrics`, { headers: auth });
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toMatch(/^userscope_active_sessions 1$/m);
      expect(text).toMatch(/^userscope_sessions_created_total 2$/m);
      expect(text).toMatch(/^userscope_cleanup_errors_total 1$/m);
      expect(text).toMatch(/^userscope_http_request_duration_seconds_count\{method="POST",route="\/generate",status="200"\} 2$/m);
      expect(text).toMatch(/^userscope_http_request_duration_seconds_count\{method="POST",route="\/generate",status="400"\} 1$/m);
      // promtool: a gauge may not be named like a counter.
      const gauges = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)].map((match) => match[1]);
      expect(gauges.filter((name) => name.endsWith('_total'))).toEqual([]);
      expect(gauges).toContain('userscope_nodejs_active_handles');
    } finally {
      await server.close();
    }
  });
});

describe('GET /metrics of batch runs and the web page', () => {
  it('shows runs by status, finished executions by status and their durations after a small run', async () => {
    const server = await startServer('test/fixtures/batch.yml', { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '' });
    const api = new BatchApi(server.url);
    try {
      await api.importUsers([{ id: 'm1', name: 'M One' }, { id: 'm2', name: 'M Two' }, { id: 'm3', name: 'M Three' }]);
      expect((await api.finished((await api.startRun({ workflowId: 'concurrency', all: true })).runId)).status).toBe('completed');
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(text).toMatch(/^# TYPE userscope_batch_runs gauge$/m);
      expect(text).toMatch(/^userscope_batch_runs\{status="completed"\} 1$/m);
      expect(text).toMatch(/^userscope_batch_runs\{status="running"\} 0$/m);
      expect(text).toMatch(/^# TYPE userscope_batch_executions_total counter$/m);
      expect(text).toMatch(/^userscope_batch_executions_total\{status="succeeded"\} 3$/m);
      expect(text).toMatch(/^userscope_batch_executions_total\{status="failed"\} 0$/m);
      expect(text).toMatch(/^userscope_batch_execution_duration_seconds_count\{status="succeeded"\} 3$/m);
    } finally {
      await server.close();
    }
  });

  it('counts once the executions a cancel marked cancelled before they started, with those it aborted', async () => {
    const server = await startServer('test/fixtures/batch.yml', { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '' });
    const api = new BatchApi(server.url);
    BatchProbe.reset();
    const gate = (BatchProbe.gate = new Gate());
    try {
      await api.importUsers(Array.from({ length: 5 }, (_, i) => ({ id: `k${i}`, name: `K ${i}` })));
      const { runId } = await api.startRun({ workflowId: 'slow', all: true, concurrency: 2 });
      await until(() => BatchProbe.started.size === 2);
      const reply = await api.post(`/api/runs/${runId}/cancel`);
      expect(reply.json.progress).toMatchObject({ total: 5, cancelled: 5 });
      const text = await (await fetch(`${server.url}/metrics`)).text();
      // 2 aborted while running, 3 never started.
      expect(text).toMatch(/^userscope_batch_executions_total\{status="cancelled"\} 5$/m);
      expect(text).toMatch(/^userscope_batch_execution_duration_seconds_count\{status="cancelled"\} 2$/m);
      expect((await api.post(`/api/runs/${runId}/cancel`)).status).toBe(409);
      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^userscope_batch_executions_total\{status="cancelled"\} 5$/m);
    } finally {
      gate.open();
      await server.close();
    }
  });

  it("labels the web page's files, hashed names included, as the one route `static`", async () => {
    const server = await startServer('test/fixtures/batch.yml', { ...process.env, BATCH_STORE: 'memory', ADMIN_TOKEN: '' });
    try {
      const page = await (await fetch(server.url)).text();
      const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) {
        const response = await fetch(`${server.url}${asset}`);
        await response.arrayBuffer(); // an unread body holds the connection, and close() waits for it
        expect(response.status).toBe(200);
      }
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const routes = [...text.matchAll(/^userscope_http_request_duration_seconds_count\{method="GET",route="([^"]*)",status="200"\} (\d+)$/gm)];
      const byRoute = Object.fromEntries(routes.map((match) => [match[1], Number(match[2])]));
      expect(byRoute.static).toBeGreaterThanOrEqual(assets.length);
      expect(Object.keys(byRoute).filter((route) => route.includes('assets') || route.includes('.'))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('monitor access and DELETE', () => {
  it('is 404 when per-user monitoring is disabled', async () => {
    const server = await startServer('test/fixtures/lifecycle.yml', { ...process.env, MONITOR: 'false' });
    try {
      const reply = await get(server, '/monitor/users');
      expect(reply.status).toBe(404);
      expect(reply.json.message).toContain('enable_per_user_monitoring');
    } finally {
      await server.close();
    }
  });

  it('with an admin token, needs it: none 401, wrong 403, right 200', async () => {
    const server = await startServer('test/fixtures/lifecycle.yml', { ...process.env, ADMIN_TOKEN });
    try {
      expect((await get(server, '/monitor/users')).status).toBe(401);
      expect((await get(server, '/monitor/users', { authorization: 'Bearer wrong-token' })).status).toBe(403);
      expect((await get(server, '/monitor/users', { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200);
      // RFC 7235: the scheme is case-insensitive.
      expect((await get(server, '/monitor/users', { authorization: `bearer ${ADMIN_TOKEN}` })).status).toBe(200);
      expect((await get(server, '/monitor/users', { authorization: `BEARER  ${ADMIN_TOKEN}` })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("DELETE /monitor/users/{id} ends the user's session now, running its cleanup", async () => {
    const server = await startServer('test/fixtures/lifecycle.yml', { ...process.env, ADMIN_TOKEN });
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    try {
      await server.post('/generate', {}, 'kim');
      expect((await server.post('/generate', {}, 'kim')).json.calls).toBe(2);
      const response = await fetch(`${server.url}/monitor/users/kim`, { method: 'DELETE', headers: auth });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ user_id: 'kim', ended: true, disposed: 4, cleanup_errors: 0, abandoned_requests: 0, purged: false });
      expect(lifecycleLog.filter((entry) => entry.endsWith(':kim'))).toEqual(['workflow:kim', 'tool:kim', 'resource:kim']);
      expect((await server.post('/generate', {}, 'kim')).json.calls).toBe(1);
      const gone = await fetch(`${server.url}/monitor/users/nobody`, { method: 'DELETE', headers: auth });
      expect(gone.status).toBe(404);
      const unauthorised = await fetch(`${server.url}/monitor/users/kim`, { method: 'DELETE' });
      expect(unauthorised.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});

describe("a user's saved state with the memory default (session_state: memory)", () => {
  let server: TestServer;
  const request = async (method: string, path: string) => {
    const response = await fetch(`${server.url}${path}`, { method });
    return { status: response.status, json: (await response.json()) as any };
  };
  beforeAll(async () => {
    server = await startServer('configs/config.yml');
    await server.post('/generate', { command: 'note', action: 'add', param1: 'x' }, 'alice');
  });
  afterAll(() => server.close());

  it('GET /monitor/users/{id}/state answers 409 session_state_not_kept, saying how to keep it', async () => {
    const reply = await request('GET', '/monitor/users/alice/state');
    expect(reply.status).toBe(409);
    expect(reply.json).toEqual({ code: 'session_state_not_kept', message: expect.stringContaining('general.session_state: redis') });
  });

  it('refuses a user id outside the session id alphabet with 400', async () => {
    const reply = await request('GET', '/monitor/users/a%20b/state');
    expect(reply.status).toBe(400);
    expect(reply.json.code).toBe('invalid_session_id');
  });

  it('DELETE ?purge=true ends the session and purges nothing, as nothing is kept; ?purge= takes true or false only', async () => {
    const bad = await request('DELETE', '/monitor/users/alice?purge=maybe');
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ code: 'bad_request', message: "purge must be true or false (got 'maybe')." });
    const ended = await request('DELETE', '/monitor/users/alice?purge=true');
    expect(ended.json).toEqual({ user_id: 'alice', ended: true, disposed: 4, cleanup_errors: 0, abandoned_requests: 0, purged: false });
    expect((await request('DELETE', '/monitor/users/alice?purge=true')).status).toBe(404);
    expect((await server.post('/generate', { command: 'note', action: 'count' }, 'alice')).json.data).toEqual({ notes: [], count: 0, commands_executed: 1 });
  });
});

describe('AdminGuard without a token', () => {
  const guard = new AdminGuard({ general: {} } as UserscopeConfig);
  const from = (remoteAddress: string) =>
    ({ switchToHttp: () => ({ getRequest: () => ({ socket: { remoteAddress }, headers: {} }) }) }) as unknown as ExecutionContext;

  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('lets the loopback client %s in', (address) => {
    expect(guard.canActivate(from(address))).toBe(true);
  });

  it.each(['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.5', '2001:db8::1'])('refuses %s with 403 saying how to open it', (address) => {
    let error: unknown;
    try {
      guard.canActivate(from(address));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserscopeHttpError);
    expect((error as UserscopeHttpError).getStatus()).toBe(403);
    expect((error as UserscopeHttpError).body.message).toContain('admin_token');
  });
});
