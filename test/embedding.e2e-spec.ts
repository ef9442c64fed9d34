import { Injectable, Module } from '@nestjs/common';
import { ContextIdFactory, ContextIdStrategy, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, SessionLifecycle, SessionRegistry } from '@userscope/runtime';
import { applyUserscopeBodyLimit, defineConfig, setupOpenApi, UserscopeModule } from 'userscope';
import { DeskPlugin, Gates, hostAppModule } from './fixtures/embedding.host';

/**
 * Userscope imported into a host Nest app, next to the host's own controller, guard and service:
 * both work, each keeps its error shape, and the host's request-scoped controllers are counted as
 * their user's requests (limits and eviction hold).
 */
const CONFIG = defineConfig({
  general: {
    plugins: ['@userscope/examples'],
    max_concurrency_per_user: 1,
    max_queued_requests_per_user: 0,
    max_body_size: 2048,
  },
  functions: {
    notepad: { _type: 'per_user_notepad' },
    preferences: { _type: 'per_user_preferences' },
  },
  workflow: { _type: 'per_user_assistant', notepad_name: 'notepad', preferences_name: 'preferences' },
});

async function listen(module: object, prepare: (app: NestFastifyApplication) => void = () => undefined) {
  const app = await NestFactory.create<NestFastifyApplication>(module as never, new FastifyAdapter(), { logger: false });
  prepare(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const call = async (path: string, init: RequestInit & { user?: string } = {}) => {
    const headers: Record<string, string> = { 'x-host-key': 'open-sesame', ...(init.headers as Record<string, string>) };
    if (init.user) headers.cookie = `nat-session=${init.user}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${url}${path}`, { ...init, headers });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };
  return { app, call };
}

describe('UserscopeModule in a host Nest app', () => {
  const hostStrategy: ContextIdStrategy = { attach: jest.fn(() => undefined) };
  let app: NestFastifyApplication;
  let call: Awaited<ReturnType<typeof listen>>['call'];

  beforeAll(async () => {
    // The host had a strategy of its own before Userscope came in.
    ContextIdFactory.apply(hostStrategy);
    ({ app, call } = await listen(hostAppModule({ config: CONFIG, plugins: [DeskPlugin] }), (created) => {
      applyUserscopeBodyLimit(created);
      setupOpenApi(created);
    }));
  });
  afterAll(() => app.close());

  it("serves the host's routes behind the host's guard, with Nest's own error shape", async () => {
    expect(await call('/host/hello')).toEqual({ status: 200, json: { hello: 'from the host' } });
    expect(await call('/host/hello', { headers: { 'x-host-key': 'wrong' } })).toEqual({
      status: 403,
      json: { statusCode: 403, message: 'Forbidden resource', error: 'Forbidden' },
    });
    expect(await call('/host/refuse')).toEqual({ status: 400, json: { statusCode: 400, message: 'the host says no', error: 'Bad Request' } });
    expect((await call('/nowhere')).json).toEqual({ statusCode: 404, message: 'Cannot GET /nowhere', error: 'Not Found' });
  });

  it("serves Userscope's routes with Userscope's error shape", async () => {
    const added = await call('/generate', { method: 'POST', user: 'ann', body: JSON.stringify({ command: 'note', action: 'add', param1: 'hi' }) });
    expect(added).toEqual({ status: 200, json: expect.objectContaining({ success: true, message: 'Note added successfully' }) });
    expect(await call('/generate', { method: 'POST', body: JSON.stringify({ command: 'help' }) })).toEqual({
      status: 401,
      json: { code: 'missing_identity', message: expect.stringContaining("'nat-session' cookie") },
    });
    const invalid = await call('/generate', { method: 'POST', user: 'ann', body: JSON.stringify({ command: 7 }) });
    expect(invalid).toEqual({ status: 400, json: expect.objectContaining({ code: 'invalid_input', details: expect.any(Array) }) });
    expect((await call('/health')).json).toEqual({ status: 'healthy' });
  });

  it("lets the host's services run a user's functions by id, shared with that user's requests", async () => {
    expect((await call('/host/notes/cleo', { method: 'POST', body: JSON.stringify({ content: 'from a job' }) })).json).toMatchObject({ success: true });
    const listed = await call('/generate', { method: 'POST', user: 'cleo', body: JSON.stringify({ command: 'note', action: 'list' }) });
    expect(listed.json.data.notes).toEqual(['from a job']);
    expect((await call('/host/notes/cleo')).json.data.notes).toEqual(['from a job']);
    expect(app.get(SessionRegistry).get('cleo')).toBeDefined();
  });

  it("applies general.max_body_size to Userscope's routes only", async () => {
    const big = JSON.stringify({ command: 'note', action: 'add', param1: 'x'.repeat(4096) });
    expect((await call('/generate', { method: 'POST', user: 'ann', body: big })).status).toBe(413);
    expect((await call('/host/echo', { method: 'POST', body: big })).status).toBe(201);
  });

  it("refuses bytes that are not UTF-8 on Userscope's routes, leaving the host's JSON parser in place", async () => {
    const body = Buffer.concat([Buffer.from('{"command":"note","action":"add","param1":"Ren'), Buffer.from([0xc3, 0x28]), Buffer.from('e"}')]);
    const reply = await call('/generate', { method: 'POST', user: 'ann', body });
    expect(reply).toEqual({ status: 400, json: { code: 'invalid_utf8', message: expect.stringContaining('byte 46') } });
    // The host's own route gets Fastify's parser, which decodes as it always has.
    expect((await call('/host/echo', { method: 'POST', body })).status).toBe(201);
  });

  it("gives the host's request-scoped controllers their caller's per-user instances", async () => {
    const first = await call('/desk', { user: 'dan' });
    expect(first).toEqual({ status: 200, json: { user: 'dan', serial: expect.any(Number) } });
    expect((await call('/desk', { user: 'dan' })).json.serial).toBe(first.json.serial);
    expect((await call('/desk', { user: 'eve' })).json.serial).not.toBe(first.json.serial);
  });

  it("counts them as the user's requests: the per-user limit answers 429, the sweep waits for them", async () => {
    const sessions = app.get(SessionLifecycle);
    const registry = app.get(SessionRegistry);
    const slow = call('/desk/slow', { user: 'fay' });
    await waitFor(() => Gates.count === 1);
    // max_concurrency_per_user is 1 and no queue: a second request of fay's is refused, another user's is not.
    expect((await call('/desk', { user: 'fay' })).status).toBe(429);
    expect((await call('/generate', { method: 'POST', user: 'fay', body: JSON.stringify({ command: 'help' }) })).status).toBe(429);
    expect((await call('/desk', { user: 'gus' })).status).toBe(200);
    // Everyone idle is evicted, but not fay, whose request is still running.
    await sessions.evictIdleSince(Date.now() + 60_000);
    expect(registry.get('fay')).toBeDefined();
    Gates.openAll();
    expect(await slow).toEqual({ status: 200, json: { user: 'fay' } });
    await waitFor(() => registry.get('fay')?.activeRequests === 0);
    expect(await sessions.evictIdleSince(Date.now() + 60_000)).toBe(1);
    expect(registry.get('fay')).toBeUndefined();
  });

  it("frees the slot when the client leaves before the handler ends", async () => {
    const registry = app.get(SessionRegistry);
    const controller = new AbortController();
    const leaving = call('/desk/slow', { user: 'hal', signal: controller.signal }).catch((error: Error) => error.name);
    await waitFor(() => Gates.count === 1);
    controller.abort();
    expect(await leaving).toBe('AbortError');
    expect(registry.get('hal')?.activeRequests).toBe(1); // the handler still runs
    Gates.openAll();
    await waitFor(() => registry.get('hal')?.activeRequests === 0);
    expect((await call('/desk', { user: 'hal' })).status).toBe(200);
  });

  it("composes its ContextIdStrategy with the host's", async () => {
    (hostStrategy.attach as jest.Mock).mockClear();
    await call('/desk', { user: 'ivy' });
    expect(hostStrategy.attach).toHaveBeenCalled();
  });

  it("documents the host's routes and Userscope's in one OpenAPI document", async () => {
    const paths = Object.keys((await call('/openapi.json')).json.paths);
    expect(paths).toEqual(expect.arrayContaining(['/host/hello', '/generate', '/monitor/users']));
  });
});

describe('two Userscope apps in one process', () => {
  it("each admits its own server's requests into its own sessions, also after the other closed", async () => {
    const first = await listen(hostAppModule({ config: CONFIG, plugins: [DeskPlugin] }));
    const second = await listen(hostAppModule({ config: CONFIG, plugins: [DeskPlugin] }));
    try {
      expect((await first.call('/desk', { user: 'max' })).status).toBe(200);
      expect((await second.call('/desk', { user: 'max' })).status).toBe(200);
      expect(first.app.get(SessionRegistry).get('max')?.completedRequests).toBe(1);
      expect(second.app.get(SessionRegistry).get('max')?.completedRequests).toBe(1);
      await second.app.close();
      expect((await first.call('/desk', { user: 'max' })).status).toBe(200);
      expect(first.app.get(SessionRegistry).get('max')?.completedRequests).toBe(2);
    } finally {
      await first.app.close();
      await second.app.close();
    }
  });
});

describe('UserscopeModule.forRootAsync', () => {
  @Injectable()
  class SettingsService {
    readonly configFile = 'configs/config.yml';
  }
  @Module({ providers: [SettingsService], exports: [SettingsService] })
  class SettingsModule {}

  it('takes its options from a factory that injects the host’s providers', async () => {
    const module = UserscopeModule.forRootAsync({
      imports: [SettingsModule],
      inject: [SettingsService],
      useFactory: (settings: SettingsService) => ({ configFile: settings.configFile }),
    });
    const { app, call } = await listen(hostAppModule(module));
    try {
      const reply = await call('/generate', { method: 'POST', user: 'kim', body: JSON.stringify({ command: 'stats' }) });
      expect(reply.json).toEqual({ success: true, message: 'Session statistics: 1 commands executed', data: { commands_executed: 1 } });
    } finally {
      await app.close();
    }
  });
});

describe('a config written in code', () => {
  it('is checked like YAML, with the same messages', () => {
    const bad = { ...CONFIG, functions: { notepad: { _type: 'per_user_notepad', max_notes: 'lots' } } };
    let error: unknown;
    try {
      UserscopeModule.forRoot({ config: bad });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('Invalid config <config object>');
    expect((error as ConfigError).issues).toContainEqual({ path: 'functions.notepad.max_notes', message: 'must be an integer number' });
  });

  it('is never changed by loading it', () => {
    const config = defineConfig({ ...CONFIG, general: { ...CONFIG.general } });
    const before = JSON.stringify(config);
    UserscopeModule.forRoot({ config });
    expect(JSON.stringify(config)).toBe(before);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
