import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import Redis from 'ioredis';
import { CanActivate, MiddlewareConsumer, Module, NestMiddleware, NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { GenerateLane } from '@userscope/http';
import { defineConfig, loadApplication, prepareUserscopeApp, standaloneAppOptions, UserscopeModule, userscopeAdapter } from 'userscope';
import { deleteKeys, REDIS_URL, requireRedis } from './support/redis';

/**
 * The /generate lane answers POST /generate on the HTTP server, in front of Fastify. Its replies are
 * Fastify's route's to the byte (a request with a query string goes through Fastify's route, so both
 * are compared on one server), and it switches itself off when anything else would need to see the route.
 */
const CONFIG = defineConfig({
  general: { plugins: ['@userscope/examples'], max_body_size: 4096, max_json_depth: 8 },
  functions: {
    notepad: { _type: 'per_user_notepad' },
    preferences: { _type: 'per_user_preferences' },
  },
  workflow: { _type: 'per_user_assistant', notepad_name: 'notepad', preferences_name: 'preferences' },
});

type Prepare = (app: NestFastifyApplication) => void;

/** The standalone server, as `userscope serve` builds it (from `config`, the one above by default), with `prepare` run on the app first and `extra` modules beside Userscope's. */
async function serve(options: { prepare?: Prepare; imports?: unknown[]; providers?: unknown[]; config?: typeof CONFIG } = {}) {
  const loaded = loadApplication({ config: options.config ?? CONFIG });
  const root = UserscopeModule.fromApplication(loaded, { standalone: true });
  const moduleRef = await Test.createTestingModule({ imports: [root, ...((options.imports ?? []) as never[])], providers: (options.providers ?? []) as never[] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(userscopeAdapter(loaded.config.general), { ...standaloneAppOptions, logger: false });
  options.prepare?.(app);
  await prepareUserscopeApp(app);
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  const lane = GenerateLane.of(app.getHttpAdapter().getInstance())!;
  return { app, url, lane };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request over a fresh connection; the reply's head as sent (names in their case, the date left out) and body. */
function rawRequest(url: string, head: string, body: Buffer = Buffer.alloc(0)): Promise<Reply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(Buffer.concat([Buffer.from(head), body])));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [top, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = top.split('\r\n');
      const headers = Object.fromEntries(lines.filter((line) => !/^date:/i.test(line)).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

function post(url: string, path: string, body: Buffer | string, headers: Record<string, string>): Promise<Reply> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = Object.entries({ host: 'localhost', 'content-length': String(bytes.length), ...headers }).map(([name, value]) => `${name}: ${value}\r\n`);
  return rawRequest(url, `POST ${path} HTTP/1.1\r\n${lines.join('')}\r\n`, bytes);
}

const JSON_TYPE = { 'content-type': 'application/json' };
const deep = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

/** Each case: a body and headers; `user` is filled in per path, so both paths see fresh users in the same state. */
const CASES: { name: string; body: Buffer | string; headers: (user: string) => Record<string, string>; then?: string }[] = [
  { name: 'a note added', body: '{"command":"note","action":"add","param1":"hi"}', headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'the stats after it', body: '{"command":"stats"}', headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'with a charset', body: '{"command":"help"}', headers: (user) => ({ 'content-type': 'application/json; charset=utf-8', cookie: `nat-session=${user}` }) },
  { name: 'a body starting with a BOM', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"command":"stats"}')]), headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'JSON that does not parse', body: '{"command":', headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'bytes that are not UTF-8', body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'nesting past max_json_depth', body: deep(9), headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'a prototype key', body: '{"command":"stats","__proto__":{"x":1}}', headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'a field of the wrong type', body: '{"command":7}', headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'a field the schema does not have', body: '{"command":"stats","extra":1}', headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'JSON null', body: 'null', headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
  { name: 'no cookie', body: '{"command":"stats"}', headers: () => JSON_TYPE },
  { name: 'a malformed user id', body: '{"command":"stats"}', headers: () => ({ ...JSON_TYPE, cookie: 'nat-session=no spaces!' }) },
  { name: 'an unknown command', body: '{"command":"dance"}', headers: (user) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` }) },
];

describe('the /generate lane', () => {
  it("answers POST /generate with Fastify's route's replies to the byte: results, refusals, their headers", async () => {
    const { app, url, lane } = await serve();
    try {
      expect(lane.state).toEqual({ serving: true, answered: 0, reason: undefined });
      for (const [index, item] of CASES.entries()) {
        const viaLane = await post(url, '/generate', item.body, item.headers(`lane-${index}`));
        const viaFastify = await post(url, '/generate?through=fastify', item.body, item.headers(`fastify-${index}`));
        expect({ case: item.name, ...viaLane }).toEqual({ case: item.name, ...viaFastify });
      }
      // Both paths really ran: every case was answered once by the lane, and the first case's reply is the example's.
      expect(lane.state.answered).toBe(CASES.length);
      expect((await post(url, '/generate', CASES[0].body, CASES[0].headers('one-more'))).body).toBe(
        '{"success":true,"message":"Note added successfully","data":{"notes":[],"count":1,"commands_executed":1}}',
      );
    } finally {
      await app.close();
    }
  });

  it('leaves to Fastify what its route refuses before parsing (too large, not JSON, no length) and keeps serving after a client leaves mid-body', async () => {
    const { app, url, lane } = await serve();
    try {
      const tooLarge = await post(url, '/generate', `{"command":"${'x'.repeat(5000)}"}`, { ...JSON_TYPE, cookie: 'nat-session=ann' });
      expect({ status: tooLarge.status, body: JSON.parse(tooLarge.body) }).toEqual({
        status: 413,
        body: { code: 'payload_too_large', message: 'The request body is larger than the limit of 4096 bytes (general.max_body_size).' },
      });
      const notJson = await post(url, '/generate', 'command=stats', { 'content-type': 'text/csv', cookie: 'nat-session=ann' });
      expect(notJson.status).toBe(415);
      const chunked = await rawRequest(url, 'POST /generate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncookie: nat-session=ann\r\ntransfer-encoding: chunked\r\n\r\n13\r\n{"command":"stats"}\r\n0\r\n\r\n');
      expect({ status: chunked.status, body: chunked.body }).toEqual({ status: 200, body: '{"success":true,"message":"Session statistics: 1 commands executed","data":{"commands_executed":1}}' });
      expect(lane.state.answered).toBe(0);

      // Half a body, then the client is gone: nothing to answer, and the next request is served.
      await new Promise<void>((resolve) => {
        const { port } = new URL(url);
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write('POST /generate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"comm');
          setTimeout(() => socket.destroy(), 50);
        });
        socket.on('close', () => resolve());
      });
      const after = await post(url, '/generate', '{"command":"stats"}', { ...JSON_TYPE, cookie: 'nat-session=bob' });
      expect(after.status).toBe(200);
      expect(lane.state.answered).toBe(1);
    } finally {
      await app.close();
    }
  });

  it("counts its requests in the route's latency metric", async () => {
    const { app, url } = await serve();
    try {
      await post(url, '/generate', '{"command":"stats"}', { ...JSON_TYPE, cookie: 'nat-session=ann' });
      await post(url, '/generate', '{"command":7}', { ...JSON_TYPE, cookie: 'nat-session=ann' });
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toContain('userscope_http_request_duration_seconds_count{method="POST",route="/generate",status="200"} 1');
      expect(metrics).toContain('userscope_http_request_duration_seconds_count{method="POST",route="/generate",status="400"} 1');
    } finally {
      await app.close();
    }
  });

  it("takes only the requests every gate lets through; a gate's refusal or throw leaves the request to Fastify's route", async () => {
    const { app, url, lane } = await serve();
    const verdicts: Record<string, () => boolean> = {
      'nat-session=open': () => true,
      'nat-session=shut': () => false,
      'nat-session=broken': () => {
        throw new Error('a broken gate');
      },
    };
    lane.takeOnly((request) => verdicts[request.headers.cookie as string]());
    try {
      for (const user of ['open', 'shut', 'broken']) {
        const before = lane.state.answered;
        const reply = await post(url, '/generate', '{"command":"stats"}', { ...JSON_TYPE, cookie: `nat-session=${user}` });
        expect({ user, status: reply.status, byLane: lane.state.answered - before }).toEqual({ user, status: 200, byLane: user === 'open' ? 1 : 0 });
      }
    } finally {
      await app.close();
    }
  });

  it('is found, and gated, by a second copy of @userscope/http in the install (as a plugin may bring its own)', async () => {
    const { app, url, lane } = await serve();
    let secondCopy: typeof GenerateLane | undefined;
    jest.isolateModules(() => (secondCopy = (require('@userscope/http') as { GenerateLane: typeof GenerateLane }).GenerateLane));
    expect(secondCopy).not.toBe(GenerateLane); // another copy of the package indeed
    try {
      expect(secondCopy!.of(app.getHttpAdapter().getInstance())).toBe(lane);
      secondCopy!.of(app.getHttpAdapter().getInstance())!.takeOnly(() => false);
      const before = lane.state.answered;
      expect((await post(url, '/generate', '{"command":"stats"}', { ...JSON_TYPE, cookie: 'nat-session=ann' })).status).toBe(200);
      expect(lane.state.answered - before).toBe(0); // its gate refused: Fastify's route served it
    } finally {
      await app.close();
    }
  });

  describe('switches itself off, and the route sees what the app added', () => {
    const stats = (url: string) => post(url, '/generate', '{"command":"stats"}', { ...JSON_TYPE, cookie: 'nat-session=ann' });

    it('for a Fastify request hook of the app', async () => {
      const seen: string[] = [];
      const { app, url, lane } = await serve({
        prepare: (created) => created.getHttpAdapter().getInstance().addHook('onRequest', function appHook(request, _reply, done) {
          seen.push(request.url);
          done();
        }),
      });
      try {
        expect((await stats(url)).status).toBe(200);
        expect(seen).toEqual(['/generate']);
        expect(lane.state).toEqual({ serving: false, answered: 0, reason: "Fastify request hooks that are not Nest's or Userscope's: appHook" });
      } finally {
        await app.close();
      }
    });

    it('for a global guard', async () => {
      const refuse: CanActivate = { canActivate: () => false };
      const { app, url, lane } = await serve({ providers: [{ provide: APP_GUARD, useValue: refuse }] });
      try {
        expect((await stats(url)).status).toBe(403);
        expect(lane.state.reason).toBe('the app has global guards, interceptors or pipes');
      } finally {
        await app.close();
      }
    });

    it('for CORS', async () => {
      const { app, url, lane } = await serve({ prepare: (created) => created.enableCors({ origin: 'https://app.example' }) });
      try {
        const reply = await post(url, '/generate', '{"command":"stats"}', { ...JSON_TYPE, cookie: 'nat-session=ann', origin: 'https://app.example' });
        expect(reply.headers['access-control-allow-origin']).toBe('https://app.example');
        expect(lane.state.reason).toBe('CORS is enabled');
      } finally {
        await app.close();
      }
    });

    it('for a global prefix: /generate is not the route, and stays a 404', async () => {
      const { app, url, lane } = await serve({ prepare: (created) => created.setGlobalPrefix('api') });
      try {
        expect((await stats(url)).status).toBe(404);
        expect((await post(url, '/api/generate', '{"command":"stats"}', { ...JSON_TYPE, cookie: 'nat-session=ann' })).status).toBe(200);
        expect(lane.state.reason).toBe('the app has no POST /generate route (a global prefix puts it elsewhere)');
      } finally {
        await app.close();
      }
    });

    it('for a module that configures Nest middleware', async () => {
      const seen: string[] = [];
      class Recording implements NestMiddleware {
        use(request: { url: string; originalUrl?: string }, _response: unknown, next: () => void) {
          seen.push(request.originalUrl ?? request.url); // middie strips the mount path from `url`
          next();
        }
      }
      @Module({})
      class WithMiddleware implements NestModule {
        configure(consumer: MiddlewareConsumer) {
          consumer.apply(Recording).forRoutes('*path');
        }
      }
      const { app, url, lane } = await serve({ imports: [WithMiddleware] });
      try {
        expect((await stats(url)).status).toBe(200);
        expect(seen).toEqual(['/generate']);
        expect(lane.state.reason).toBe('module WithMiddleware may configure Nest middleware');
      } finally {
        await app.close();
      }
    });
  });

  describe('in cluster mode', () => {
    if (!requireRedis('the /generate lane in cluster mode', 'REDIS_URL')) return;

    const prefix = `userscope-test-lane-${randomBytes(6).toString('hex')}:`;
    const replicaConfig = (id: string) => ({ ...CONFIG, general: { ...CONFIG.general, cluster: { redis_url: REDIS_URL, key_prefix: prefix, replica_id: id } } });
    const redis = new Redis(REDIS_URL, { lazyConnect: true });
    let replicas: Awaited<ReturnType<typeof serve>>[] = [];

    beforeAll(async () => {
      await redis.connect();
      replicas = await Promise.all(['r1', 'r2'].map((id) => serve({ config: replicaConfig(id) })));
    });
    afterAll(async () => {
      await Promise.all(replicas.map(({ app }) => app.close()));
      await deleteKeys(redis, prefix);
      await redis.quit();
    });

    const as = (user: string) => ({ ...JSON_TYPE, cookie: `nat-session=${user}` });
    // Over fetch, whose client does not half-close: a request that waits on Redis (a claim, a forward) outlives
    // a half-closed connection, which Node's server aborts (httpAllowHalfOpen is off).
    const stats = async (url: string, user: string, path = '/generate') => {
      const reply = await fetch(`${url}${path}`, { method: 'POST', headers: as(user), body: '{"command":"stats"}' });
      return { status: reply.status, replica: reply.headers.get('x-userscope-replica'), body: await reply.text() };
    };

    it("serves a user built here, on a confirmed lease, with the route's replies and the replica header, to the byte", async () => {
      const [{ url, lane }] = replicas;
      expect(lane.state).toEqual({ serving: true, answered: 0, reason: undefined });
      // A user's first request claims the user: through Fastify's route and the cluster's hooks.
      const first = await stats(url, 'ann');
      expect({ status: first.status, replica: first.replica, answered: lane.state.answered }).toEqual({ status: 200, replica: 'r1', answered: 0 });
      expect((await redis.get(`${prefix}owner:ann`))?.split(' ')[1]).toBe('r1');

      const compared = ['{"command":"note","action":"add","param1":"hi"}', '{"command":', '{"command":7}', '{"command":"stats"}'];
      for (const [index, body] of compared.entries()) {
        await stats(url, `lane-${index}`);
        await stats(url, `fastify-${index}`);
        const viaLane = await post(url, '/generate', body, as(`lane-${index}`));
        const viaFastify = await post(url, '/generate?through=fastify', body, as(`fastify-${index}`));
        expect({ sent: body, ...viaLane }).toEqual({ sent: body, ...viaFastify });
        expect(viaLane.headers['X-Userscope-Replica']).toBe('r1');
      }
      expect(lane.state.answered).toBe(compared.length);
    });

    it("leaves to the cluster's hooks a user another replica owns: forwarded to the owner, whose lane leaves the forwarded request to them too", async () => {
      const [r1, r2] = replicas;
      await stats(r1.url, 'bea');
      const [before1, before2] = [r1.lane.state.answered, r2.lane.state.answered];
      expect(await stats(r2.url, 'bea')).toEqual({
        status: 200,
        replica: 'r1',
        body: '{"success":true,"message":"Session statistics: 2 commands executed","data":{"commands_executed":2}}',
      });
      expect([r1.lane.state.answered, r2.lane.state.answered]).toEqual([before1, before2]);
      // Back at its owner, the user's next request is the lane's.
      expect((await stats(r1.url, 'bea')).status).toBe(200);
      expect(r1.lane.state.answered).toBe(before1 + 1);
    });
  });
});
