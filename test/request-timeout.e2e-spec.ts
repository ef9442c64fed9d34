import { connect } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestServer } from '@userscope/testing';
import { createUserscopeApp, defineConfig, UserscopeModule } from 'userscope';

/**
 * general.request_timeout: a request whose headers and body do not arrive in time gets 408
 * `request_timeout` and its connection is closed, on every route (the /generate lane's too).
 */
const config = (request_timeout: string) =>
  defineConfig({
    general: { plugins: ['@userscope/examples'], request_timeout },
    functions: { notepad: { _type: 'per_user_notepad' }, preferences: { _type: 'per_user_preferences' } },
    workflow: { _type: 'per_user_assistant', notepad_name: 'notepad', preferences_name: 'preferences' },
  });

/**
 * Sends `parts` on a fresh connection, `gapMs` apart, and ends its side `endAfterMs` after the last
 * (a half-closed request is a 400 of its own); resolves with all the server sent and when the connection closed.
 */
function send(port: number, parts: string[], gapMs: number, endAfterMs = 6000): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    parts.forEach((part, index) => setTimeout(() => !socket.destroyed && socket.write(part), index * gapMs));
    setTimeout(() => socket.end(), (parts.length - 1) * gapMs + endAfterMs);
  });
}

const BODY = '{"command":"stats"}';
const head = (path: string) => `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncookie: nat-session=ann\r\ncontent-length: ${BODY.length}\r\n\r\n`;

describe('general.request_timeout', () => {
  let app: NestFastifyApplication;
  let port: number;
  beforeAll(async () => {
    app = await createUserscopeApp({ config: config('1s') }, { logger: false });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(() => app.close());

  it.each(['/generate', '/generate/stream'])('answers a body that stops arriving with 408 request_timeout and closes the connection (%s)', async (path) => {
    const { text, closedAfterMs } = await send(port, [head(path) + BODY.slice(0, 5)], 0);
    expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(text.split('\r\n\r\n')[1])).toEqual({ code: 'request_timeout', message: 'The request took too long to arrive.' });
    // Within the second it was given, plus the second between Node's checks, plus slack for a loaded machine.
    expect(closedAfterMs).toBeGreaterThanOrEqual(1000);
    expect(closedAfterMs).toBeLessThan(3500);
  });

  it('answers headers that never end with 408 too', async () => {
    const { text } = await send(port, ['POST /generate HTTP/1.1\r\nhost: x\r\n'], 0);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('serves a request that arrives slowly but within the time', async () => {
    const { text } = await send(port, [head('/generate'), BODY.slice(0, 8), BODY.slice(8)], 250, 500);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('Session statistics');
  });
});

describe('general.request_timeout in a host app on its own adapter', () => {
  const hostApp = async (adapter: FastifyAdapter, request_timeout = '1s') => {
    @Module({ imports: [UserscopeModule.forRoot({ config: config(request_timeout) })] })
    class HostModule {}
    const app = await NestFactory.create<NestFastifyApplication>(HostModule, adapter, { logger: false });
    await app.listen(0, '127.0.0.1');
    return { app, port: (app.getHttpServer().address() as { port: number }).port };
  };

  it("is filled in where the host's Fastify has none (its default): a body that stops arriving gets Fastify's 408", async () => {
    const { app, port } = await hostApp(new FastifyAdapter());
    try {
      expect(app.getHttpServer().requestTimeout).toBe(1000);
      const { text, closedAfterMs } = await send(port, [head('/generate') + BODY.slice(0, 5)], 0);
      expect(text).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(closedAfterMs).toBeGreaterThanOrEqual(1000);
      expect(closedAfterMs).toBeLessThan(3500); // checked every second, as on Userscope's own adapter
    } finally {
      await app.close();
    }
  });

  it("leaves a timeout the host set on its adapter as it is, and fills in none when the config's is 0", async () => {
    const own = await hostApp(new FastifyAdapter({ requestTimeout: 5000 }));
    const off = await hostApp(new FastifyAdapter(), '0');
    try {
      expect(own.app.getHttpServer().requestTimeout).toBe(5000);
      expect(off.app.getHttpServer().requestTimeout).toBe(0);
    } finally {
      await Promise.all([own.app.close(), off.app.close()]);
    }
  });
});

describe('general.request_timeout: 0', () => {
  it('sets no limit on how long a request may take to arrive', async () => {
    const app = await createUserscopeApp({ config: config('0') }, { logger: false });
    try {
      expect((app.getHttpServer() as { requestTimeout: number }).requestTimeout).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("is whole milliseconds, as Fastify requires, however it is written ('700ms' is 0.7000000000000001 s times 1000)", async () => {
    // 0.0004 s is under a millisecond, but a limit: 1 ms, not 0 (no limit).
    for (const [written, ms] of [['700ms', 700], ['1001ms', 1001], ['0.0004', 1]] as const) {
      const app = await createUserscopeApp({ config: config(written) }, { logger: false });
      try {
        expect(app.getHttpServer().requestTimeout).toBe(ms);
      } finally {
        await app.close();
      }
    }
  });

  it("is the test server's too (createTestServer)", async () => {
    for (const [written, ms] of [['0', 0], ['2s', 2000]] as const) {
      const server = await createTestServer({ config: config(written) });
      try {
        expect(server.app.getHttpServer().requestTimeout).toBe(ms);
      } finally {
        await server.close();
      }
    }
  });

  it('is refused at startup when it is not a duration', async () => {
    await expect(createUserscopeApp({ config: config('soon') }, { logger: false })).rejects.toThrow(/request_timeout.*must be a duration/s);
  });
});
