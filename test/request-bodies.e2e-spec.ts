import { request as httpRequest } from 'node:http';
import { Logger } from '@nestjs/common';
import { UserClient } from '@userscope/testing';
import { startServer, TestServer } from './support/test-server';

const CONFIG = 'test/fixtures/request-bodies.yml';

/** Sends `body` as it is, with the given content type, as the user mallory. */
function send(server: TestServer, method: string, path: string, body: string | Buffer, contentType = 'application/json') {
  return new UserClient(server.url, { cookie: 'nat-session=mallory' }).request(path, { method, headers: { 'content-type': contentType }, body });
}

/** `{"a":{"a":...}}` nested `depth` levels deep, as `field` of an otherwise plausible body. */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const BODY_ROUTES: [string, string, (deep: string) => string][] = [
  ['POST', '/generate', (deep) => `{"input_message":"hi","extra":${deep}}`],
  ['POST', '/api/users', (deep) => `{"name":"Deep","profile":${deep}}`],
  ['POST', '/api/users/import', (deep) => `[{"name":"Deep","profile":${deep}}]`],
  ['POST', '/api/workflows', (deep) => `{"id":"deep","name":"Deep","nodes":[{"id":"t","type":"template","template":"x","extra":${deep}}]}`],
  ['POST', '/chat', (deep) => `{"messages":[{"role":"user","content":${deep}}]}`],
  ['POST', '/v1/chat/completions', (deep) => `{"model":"m","messages":[{"role":"user","content":${deep}}]}`],
];

describe('request bodies a client controls', () => {
  let server: TestServer;
  let logged: jest.SpyInstance;

  beforeAll(async () => {
    server = await startServer(CONFIG, { ...process.env, MAX_JSON_DEPTH: '' });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => {
    // Each refusal is the client's mistake: nothing is logged as a server error.
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
  });

  describe('general.max_json_depth', () => {
    it.each(BODY_ROUTES)('%s %s with 100,000 levels of nesting answers 400 naming the limit', async (method, path, body) => {
      const reply = await send(server, method, path, body(nested(100_000)));
      expect(reply.status).toBe(400);
      const error = path.startsWith('/v1') ? reply.json.error : reply.json;
      expect(error).toMatchObject({ code: 'json_too_deep', message: expect.stringContaining('64 levels') });
      expect(error.message).toContain('general.max_json_depth');
    });

    it('a CSV import whose column nests 100,000 levels answers 400 naming the limit', async () => {
      const column = Array.from({ length: 100_000 }, () => 'a').join('.');
      const reply = await send(server, 'POST', '/api/users/import', `name,${column}\nAnn,1\n`, 'text/csv');
      expect(reply.status).toBe(400);
      expect(reply.json.message).toContain('more than 64 levels deep');
      expect(reply.json.message).toContain('general.max_json_depth');
    });

    it('lets a body exactly at the limit through to the route', async () => {
      // 64 levels counting the body itself: the user object and 63 below it.
      const reply = await send(server, 'POST', '/api/users', `{"name":"At the limit","profile":${nested(63)}}`);
      expect(reply.status).toBe(201);
      expect((await send(server, 'POST', '/api/users', `{"name":"Over","profile":${nested(64)}}`)).status).toBe(400);
    });
  });

  describe('bytes that are not UTF-8', () => {
    it('a JSON body answers 400 naming the byte offset', async () => {
      const body = Buffer.concat([Buffer.from('{"name":"Ren'), Buffer.from([0xc3, 0x28]), Buffer.from('e"}')]);
      const reply = await send(server, 'POST', '/api/users', body);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ code: 'invalid_utf8', message: expect.stringContaining('byte 12') });
    });

    it('a CSV import answers 400 naming the byte offset, even across the chunks the body arrives in', async () => {
      const head = Buffer.from(`name,city\n${'Ann,Oslo\n'.repeat(20_000)}Bo,`); // past one 64 KiB chunk
      const body = Buffer.concat([head, Buffer.from([0xe2, 0x82]), Buffer.from('\n')]);
      const reply = await send(server, 'POST', '/api/users/import', body, 'text/csv');
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ code: 'invalid_utf8', message: expect.stringContaining(`byte ${head.length}`) });
    });

    it('a JSON body may start with a byte order mark, under any spelling of the JSON type', async () => {
      const bom = Buffer.from([0xef, 0xbb, 0xbf]);
      for (const [n, type] of ['application/json', 'Application/JSON; charset=utf-8'].entries()) {
        const json = JSON.stringify({ id: `bom-${n}`, name: 'Åse' });
        const withBom = await send(server, 'POST', '/api/users', Buffer.concat([bom, Buffer.from(json)]), type);
        expect({ type, status: withBom.status, json: withBom.json }).toEqual({ type, status: 201, json: expect.objectContaining({ id: `bom-${n}`, name: 'Åse' }) });
      }
    });

    it('multi-byte characters split across chunks pass', async () => {
      const reply = await send(server, 'POST', '/api/users/import', `name,city\n${Array.from({ length: 10_000 }, (_, i) => `Åse ${i},Tromsø €`).join('\n')}`, 'text/csv');
      expect(reply.status).toBe(200);
      expect(reply.json.rejected).toEqual([]);
    });
  });

  describe("Fastify's own refusals, in Userscope's {code, message} shape", () => {
    it('malformed JSON', async () => {
      const reply = await send(server, 'POST', '/api/users', '{"name": ');
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ code: 'invalid_json', message: expect.stringMatching(/^The request body is not valid JSON: /) });
    });

    it('an empty JSON body', async () => {
      const reply = await send(server, 'POST', '/api/users', '');
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ code: 'invalid_json', message: expect.stringMatching(/^The request body is not valid JSON: /) });
    });

    it('a __proto__ key is named, at its place in the body', async () => {
      const reply = await send(server, 'POST', '/generate', '{"input_message":"hi","a":{"__proto__":{"admin":true}}}');
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ code: 'forbidden_key', message: expect.stringContaining("'__proto__'") });
      expect(reply.json.message).toContain('a.__proto__');
    });

    it('a constructor.prototype key is named', async () => {
      const reply = await send(server, 'POST', '/api/users', '{"name":"x","constructor":{"prototype":{"admin":true}}}');
      expect(reply.status).toBe(400);
      expect(reply.json).toMatchObject({ code: 'forbidden_key', message: expect.stringContaining("'constructor.prototype'") });
    });

    it('an unsupported content type', async () => {
      const reply = await send(server, 'POST', '/api/users', '<name>x</name>', 'application/xml');
      expect(reply.status).toBe(415);
      expect(reply.json).toEqual({ code: 'unsupported_media_type', message: expect.stringContaining("'application/xml'") });
    });

    it.each(['/generate', '/generate/stream', '/chat', '/v1/chat/completions', '/api/users'])('a text/plain body, also one that holds JSON (%s)', async (path) => {
      const reply = await send(server, 'POST', path, '{"input_message":"hi"}', 'text/plain');
      expect(reply.status).toBe(415);
      expect(reply.json.code ?? reply.json.error?.code).toBe('unsupported_media_type');
    });

    it('a body over max_body_size', async () => {
      const reply = await send(server, 'POST', '/api/users', `{"name":"${'x'.repeat(1024 * 1024)}"}`);
      expect(reply.status).toBe(413);
      expect(reply.json).toEqual({ code: 'payload_too_large', message: expect.stringContaining('1048576 bytes') });
    });

    it('/v1 answers them in OpenAI\'s error shape', async () => {
      const reply = await send(server, 'POST', '/v1/chat/completions', '{"model": ');
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ error: { message: expect.stringMatching(/^The request body is not valid JSON: /), type: 'invalid_request_error', param: null, code: 'invalid_json' } });
    });

    it('headers too large (431, raised before Fastify) answer JSON', async () => {
      const { port } = new URL(server.url);
      const reply = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, path: '/health', headers: { 'x-big': 'x'.repeat(20_000) } }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(reply.status).toBe(431);
      expect(reply.type).toContain('application/json');
      expect(JSON.parse(reply.body)).toEqual({ code: 'request_header_fields_too_large', message: expect.stringContaining('16384 bytes') });
    });
  });
});
