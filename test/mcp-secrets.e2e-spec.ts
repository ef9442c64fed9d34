import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { UserFunctions } from '@userscope/runtime';
import { BatchApi } from './support/batch-api';
import { McpTestServer } from './support/mcp-test.server';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';
import { startServer, TestServer } from './support/test-server';

const CONFIG = 'test/fixtures/mcp-secrets.yml';
const SECRET_RECORDS = Symbol.for('userscope:mcp:secret-records');
const LOGGER_METHODS = ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const;

/**
 * Per-user secrets where the batch store is: in this process's memory, or in Redis. Each scenario
 * reads the raw store, every response and every log line for the plaintext.
 */
describe.each(['memory', 'redis'] as const)('per-user secrets in %s: encrypted, never shown, deleted with the user', (store) => {
  if (store === 'redis' && !requireRedis('per-user secrets in Redis', 'REDIS_URL')) return;

  const prefix = `userscope-test-secrets-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const plaintext = (user: string) => `plain-${user}-${randomBytes(8).toString('hex')}`;
  let mcp: McpTestServer;
  let server: TestServer;
  let api: BatchApi;
  const replies: string[] = [];
  const logged: string[] = [];
  let spies: jest.SpyInstance[] = [];

  /** A call of the API whose reply text is kept, to be searched for secrets. */
  async function call(method: string, path: string, body?: unknown) {
    const reply = await api.call(method, path, body);
    replies.push(reply.text, JSON.stringify([...reply.headers]));
    return reply;
  }

  /** What the store holds of `user`, as it holds it. */
  async function raw(user: string): Promise<string> {
    if (store === 'redis') return JSON.stringify(await redis.hgetall(`${prefix}secrets:${user}`));
    const records = server.app.get(SECRET_RECORDS) as { byUser: Map<string, Map<string, unknown>> };
    return JSON.stringify([...(records.byUser.get(user) ?? [])]);
  }

  beforeAll(async () => {
    spies = LOGGER_METHODS.map((method) => jest.spyOn(Logger.prototype, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))));
    mcp = await McpTestServer.start();
    server = await startServer(CONFIG, { ...process.env, MCP_URL: mcp.url, BATCH_STORE: store, REDIS_URL, BATCH_KEY_PREFIX: prefix, USERSCOPE_SECRETS_KEY: randomBytes(32).toString('base64') });
    api = new BatchApi(server.url);
  });
  afterAll(async () => {
    await server?.close();
    await mcp.close();
    spies.forEach((spy) => spy.mockRestore());
    if (store === 'redis') {
      await deleteKeys(redis, prefix);
      redis.disconnect();
    }
  });

  it('keeps only ciphertext, uses the value for the MCP header, and shows it in no response and no log line', async () => {
    const secret = plaintext('ann');
    expect((await call('PUT', '/api/users/ann/secrets/tickets_token', { value: secret })).status).toBe(200);
    const held = await raw('ann');
    expect(held).toContain('tickets_token');
    expect(held).not.toContain(secret);
    expect(held).not.toContain(Buffer.from(secret).toString('base64'));

    expect(await server.app.get(UserFunctions).invoke('ann', 'tickets__whoami', {})).toBe(`Bearer ${secret}`);
    await call('GET', '/api/users/ann/secrets');
    await call('GET', '/monitor/users?user_id=ann');
    await call('GET', '/mcp/client/tool/list?user_id=ann');
    await call('PUT', '/api/users/ann/secrets/tickets_token', { value: secret, extra: secret }); // refused: the reply must not echo it
    await call('GET', '/openapi.json');
    expect(replies.join('\n')).not.toContain(secret);
    expect(logged.length).toBeGreaterThan(0); // the logger is captured: startup wrote to it
    expect(logged.join('\n')).not.toContain(secret);
  });

  it("a batch function node calls the MCP tool as each user, with that user's own secret", async () => {
    await api.importUsers([{ id: 'run1', name: 'Run One' }, { id: 'run2', name: 'Run Two' }]);
    const tokens = { run1: plaintext('run1'), run2: plaintext('run2') };
    for (const [user, token] of Object.entries(tokens)) await call('PUT', `/api/users/${user}/secrets/tickets_token`, { value: token });
    const { runId } = await api.startRun({ workflowId: 'whoami', userIds: ['run1', 'run2'] });
    expect((await api.finished(runId, 30_000)).status).toBe('completed');
    const results = (await api.get(`/api/runs/${runId}/results`)).json.users as { userId: string; final: unknown }[];
    expect(Object.fromEntries(results.map((result) => [result.userId, result.final]))).toEqual({ run1: `Bearer ${tokens.run1}`, run2: `Bearer ${tokens.run2}` });
  });

  it('DELETE /api/users/{id} (batch) deletes the user and their secrets', async () => {
    expect((await call('POST', '/api/users', { id: 'bea', name: 'Bea' })).status).toBe(201);
    await call('PUT', '/api/users/bea/secrets/tickets_token', { value: plaintext('bea') });
    await call('PUT', '/api/users/bea/secrets/other', { value: plaintext('bea') });
    expect((await call('DELETE', '/api/users/bea')).status).toBe(204);
    expect(await raw('bea')).toMatch(/^(\[\]|\{\})$/);
    expect((await call('GET', '/api/users/bea/secrets')).json).toEqual([]);
  });

  it('DELETE /api/users/{id} of a user the directory never had deletes their secrets; with nothing kept of them, 404', async () => {
    await call('PUT', '/api/users/dee/secrets/tickets_token', { value: plaintext('dee') });
    expect((await call('GET', '/api/users/dee')).status).toBe(404);
    expect((await call('DELETE', '/api/users/dee')).status).toBe(204);
    expect(await raw('dee')).toMatch(/^(\[\]|\{\})$/);
    expect((await call('GET', '/api/users/dee/secrets')).json).toEqual([]);
    expect((await call('DELETE', '/api/users/dee')).status).toBe(404);
  });

  it('DELETE /monitor/users/{id}?purge=true deletes their secrets, with or without a session; without purge they stay', async () => {
    await call('PUT', '/api/users/cy/secrets/tickets_token', { value: plaintext('cy') });
    await server.app.get(UserFunctions).invoke('cy', 'tickets__whoami', {});
    expect((await call('DELETE', '/monitor/users/cy')).status).toBe(200);
    expect((await call('GET', '/api/users/cy/secrets')).json).toHaveLength(1);
    // No session any more: the purge still deletes what is kept of them.
    const purged = await call('DELETE', '/monitor/users/cy?purge=true');
    expect(purged.status).toBe(200);
    expect(purged.json).toMatchObject({ user_id: 'cy', ended: false });
    expect(await raw('cy')).toMatch(/^(\[\]|\{\})$/);
    expect((await call('DELETE', '/monitor/users/cy?purge=true')).status).toBe(404);
  });
});
