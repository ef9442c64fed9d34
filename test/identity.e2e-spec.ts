import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHmac, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sign } from 'jsonwebtoken';
import { ConfigError } from '@userscope/runtime';
import { startServer, TestReply, TestServer } from './support/test-server';
import { parseEvents } from './support/event-stream';

const SIGNED_COOKIE = 'test/fixtures/identity-signed-cookie.yml';
const JWT = 'test/fixtures/identity-jwt.yml';
const HEADER = 'test/fixtures/identity-header.yml';
const API_KEY = 'test/fixtures/identity-api-key.yml';

const SECRET = 'signed-cookie-secret-of-32-chars!';
const JWT_SECRET = 'jwt-hs256-secret-at-least-32-chars';
const SESSION_ID = /^[A-Za-z0-9\-_.~]{1,128}$/;

type Reply = TestReply;

/** POSTs JSON to `path` with `headers` (no cookie added), and reads the whole reply. */
function call(server: TestServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return server.post(path, body, undefined, headers);
}

/** The `commands_executed` of the caller, after this call: how many commands this user has run. */
async function commandsRun(server: TestServer, headers: Record<string, string>): Promise<number> {
  const reply = await call(server, '/generate', { command: 'stats' }, headers);
  expect(reply.status).toBe(200);
  return reply.json.data.commands_executed;
}

async function notesOf(server: TestServer, headers: Record<string, string>): Promise<string[]> {
  const reply = await call(server, '/generate', { command: 'note', action: 'list' }, headers);
  expect(reply.status).toBe(200);
  return reply.json.data.notes;
}

function expectRefused(reply: Reply, code: 'missing_identity' | 'invalid_identity', ...fragments: string[]): void {
  expect({ status: reply.status, code: reply.json?.code }).toEqual({ status: 401, code });
  for (const fragment of fragments) expect(reply.json.message).toContain(fragment);
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token assembled by hand, for what no honest library would sign. */
function forge(header: object, payload: object, signature: (input: string) => string = () => ''): string {
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${signature(input)}`;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

const now = () => Math.floor(Date.now() / 1000);

describe('identity modes over HTTP', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'userscope-identity-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('signed_cookie, issuing cookies (test/fixtures/identity-signed-cookie.yml)', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(SIGNED_COOKIE, { IDENTITY_SECRET: SECRET, ISSUE_COOKIES: 'true' });
    });
    afterAll(() => server.close());

    const signed = (userId: string, secret = SECRET) => `${userId}.${createHmac('sha256', secret).update(userId).digest('base64url')}`;

    it('gives a caller without the cookie a new user id in a signed, HttpOnly cookie, and serves the request as that user', async () => {
      const reply = await call(server, '/generate', { command: 'stats' });
      expect(reply.status).toBe(200);
      expect(reply.json.data.commands_executed).toBe(1);
      expect(reply.setCookie).toHaveLength(1);
      const [pair, ...attributes] = reply.setCookie[0].split('; ');
      expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=86400', 'Path=/', 'SameSite=Lax', 'Secure']);
      const [name, value] = pair.split('=');
      expect(name).toBe('nat-session');
      const userId = value.slice(0, value.lastIndexOf('.'));
      expect(userId).toMatch(SESSION_ID);
      expect(value).toBe(signed(userId));
    });

    it('keeps the same user for a client that sends the issued cookie back', async () => {
      const first = await call(server, '/generate', { command: 'note', action: 'add', param1: 'remember me' });
      const cookie = { cookie: first.setCookie[0].split('; ')[0] };
      expect(await notesOf(server, cookie)).toEqual(['remember me']);
      expect(await commandsRun(server, cookie)).toBe(3);
      const again = await call(server, '/generate', { command: 'stats' }, cookie);
      expect(again.setCookie).toEqual([]); // nothing new is issued to a caller who has one
    });

    it('gives each new client its own user', async () => {
      const a = await call(server, '/generate', { command: 'note', action: 'add', param1: 'a' });
      const b = await call(server, '/generate', { command: 'stats' });
      expect(a.setCookie[0]).not.toEqual(b.setCookie[0]);
      expect(await notesOf(server, { cookie: b.setCookie[0].split('; ')[0] })).toEqual([]);
    });

    it('accepts a cookie signed with the secret by someone else than the server (a login service)', async () => {
      expect(await commandsRun(server, { cookie: `nat-session=${signed('alice')}` })).toBe(1);
      expect(await commandsRun(server, { cookie: `nat-session=${signed('alice')}` })).toBe(2);
    });

    it.each([
      ['an unsigned user id', 'alice', 'is not signed'],
      ['a signature of the wrong shape', 'alice.abc', 'is not signed'],
      ['a tampered user id', () => signed('alice').replace(/^alice/, 'mallory'), 'signature does not match'],
      ['a cookie forged with another secret', () => signed('alice', 'another-secret-that-is-32-chars-long'), 'signature does not match'],
    ])('refuses %s with 401 and deletes the cookie', async (_label, value, reason) => {
      const cookie = typeof value === 'function' ? value() : value;
      const reply = await call(server, '/generate', { command: 'stats' }, { cookie: `nat-session=${cookie}` });
      expectRefused(reply, 'invalid_identity', "'nat-session' cookie is not valid", reason);
      expect(reply.setCookie).toEqual([expect.stringMatching(/^nat-session=; .*Max-Age=0/)]);
    });

    it('issues the cookie on /generate/stream too, whose reply is hijacked', async () => {
      const reply = await call(server, '/generate/stream', { command: 'stats' });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('text/event-stream');
      expect(reply.setCookie).toEqual([expect.stringMatching(/^nat-session=[^;]+\.[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure; Max-Age=86400$/)]);
      expect(parseEvents(reply.text)[0].data).toMatchObject({ data: { commands_executed: 1 } });
    });
  });

  describe('signed_cookie, not issuing', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(SIGNED_COOKIE, { IDENTITY_SECRET: SECRET });
    });
    afterAll(() => server.close());

    it('answers a caller without the cookie with 401 saying what to send, and issues nothing', async () => {
      const reply = await call(server, '/generate', { command: 'stats' });
      expectRefused(reply, 'missing_identity', "signed 'nat-session' cookie", '<user id>.<signature>');
      expect(reply.setCookie).toEqual([]);
    });

    it('refuses a forged cookie without deleting it', async () => {
      const reply = await call(server, '/generate', { command: 'stats' }, { cookie: 'nat-session=alice' });
      expectRefused(reply, 'invalid_identity', 'is not signed');
      expect(reply.setCookie).toEqual([]);
    });
  });

  describe('jwt with an RS256 public key (PEM), issuer and audience', () => {
    let server: TestServer;
    let privateKey: KeyObject;
    let publicPem: string;
    let otherKey: KeyObject;
    const claims = { iss: 'https://idp.example', aud: 'userscope' };
    const token = (payload: object, key: KeyObject = privateKey) => sign({ exp: now() + 600, ...claims, ...payload }, key, { algorithm: 'RS256' });

    beforeAll(async () => {
      ({ privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
      publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }) as string;
      ({ privateKey: otherKey } = generateKeyPairSync('rsa', { modulusLength: 2048 }));
      const keyFile = join(dir, 'rs256.pem');
      writeFileSync(keyFile, publicPem);
      server = await startServer(JWT, { JWT_KEY_FILE: keyFile, JWT_ISSUER: claims.iss, JWT_AUDIENCE: claims.aud });
    });
    afterAll(() => server.close());

    it('serves a verified token as the user its sub claim names', async () => {
      expect(await commandsRun(server, bearer(token({ sub: 'alice', exp: now() + 600 })))).toBe(1);
      expect(await commandsRun(server, bearer(token({ sub: 'alice' })))).toBe(2);
    });

    it('keeps two subjects apart', async () => {
      await call(server, '/generate', { command: 'note', action: 'add', param1: 'carol only' }, bearer(token({ sub: 'carol' })));
      expect(await notesOf(server, bearer(token({ sub: 'carol' })))).toEqual(['carol only']);
      expect(await notesOf(server, bearer(token({ sub: 'dave' })))).toEqual([]);
    });

    it('allows the clock skew (30s by default) on exp', async () => {
      expect(await commandsRun(server, bearer(token({ sub: 'erin', exp: now() - 10 })))).toBe(1);
    });

    it.each<[string, () => string, string]>([
      ['an expired token', () => token({ sub: 'alice', exp: now() - 3600 }), 'expired at'],
      ['a token whose nbf is in the future', () => token({ sub: 'alice', nbf: now() + 3600 }), 'not valid before'],
      ['a token of another issuer', () => token({ sub: 'alice', iss: 'https://evil.example' }), "issuer ('iss')"],
      ['a token for another audience', () => token({ sub: 'alice', aud: 'another-api' }), "audience ('aud')"],
      ['a token signed with another key', () => token({ sub: 'alice' }, otherKey), 'bad signature'],
      ['a token whose payload was changed', () => tamper(token({ sub: 'alice' }), { ...claims, sub: 'admin' }), 'bad signature'],
      ['an unsigned token (alg: none)', () => forge({ alg: 'none', typ: 'JWT' }, { ...claims, sub: 'alice' }), "unsigned ('alg: none')"],
      [
        'an HS256 token signed with the public key as HMAC secret (algorithm confusion)',
        () => forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, sub: 'alice' }, (input) => createHmac('sha256', publicPem).update(input).digest('base64url')),
        'algorithm HS256 is not accepted (accepted: RS256)',
      ],
      ['a token without the sub claim', () => token({ name: 'alice' }), "no 'sub' claim"],
      ['a token without exp (valid forever), as jwt_require_exp is on by default', () => sign({ ...claims, sub: 'alice' }, privateKey, { algorithm: 'RS256' }), "no expiry ('exp')"],
      ['a token whose sub is no valid user id', () => token({ sub: 'alice/../bob' }), "'sub' claim is not a valid user id"],
      ['something that is no JWT', () => 'not-a-jwt', 'not a well-formed JWT'],
    ])('refuses %s with 401 and the reason', async (_label, makeToken, reason) => {
      const reply = await call(server, '/generate', { command: 'stats' }, bearer(makeToken()));
      expectRefused(reply, 'invalid_identity', 'The bearer token was refused', reason);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    });

    it('answers a request without a token with 401 saying to send a bearer JWT, and ignores the cookie', async () => {
      const reply = await call(server, '/generate', { command: 'stats' }, { cookie: 'nat-session=alice' });
      expectRefused(reply, 'missing_identity', "send 'Authorization: Bearer <JWT>'", "'sub' claim");
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    });

    it('refuses an Authorization header of another scheme', async () => {
      const reply = await call(server, '/generate', { command: 'stats' }, { authorization: 'Basic YWxpY2U6c2VjcmV0' });
      expectRefused(reply, 'invalid_identity', "must be 'Bearer <JWT>'");
    });

    it('identifies /generate/stream callers the same way', async () => {
      const ok = await call(server, '/generate/stream', { command: 'stats' }, bearer(token({ sub: 'frank' })));
      expect(ok.status).toBe(200);
      expect(parseEvents(ok.text)[0].data).toMatchObject({ data: { commands_executed: 1 } });
      const expired = await call(server, '/generate/stream', { command: 'stats' }, bearer(token({ sub: 'frank', exp: now() - 3600 })));
      expectRefused(expired, 'invalid_identity', 'expired at');
    });

    it('documents the bearer JWT scheme in OpenAPI, apart from the admin token', async () => {
      const document: any = await (await fetch(`${server.url}/openapi.json`)).json();
      expect(document.components.securitySchemes).toEqual({
        jwt: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
        admin_token: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      });
      expect(document.paths['/generate'].post.security).toEqual([{ jwt: [] }]);
      expect(document.paths['/monitor/users'].get.security).toEqual([{ admin_token: [] }]);
    });
  });

  describe('jwt with an HS256 secret', () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startServer(JWT, { JWT_SECRET });
    });
    afterAll(() => server.close());

    it('serves a token signed with the secret', async () => {
      expect(await commandsRun(server, bearer(sign({ sub: 'alice', exp: now() + 600 }, JWT_SECRET, { algorithm: 'HS256' })))).toBe(1);
    });

    it('with jwt_require_exp: false, serves a token without exp; jwt_max_age then bounds it by iat', async () => {
      const lenient = await startServer(JWT, { JWT_SECRET, JWT_REQUIRE_EXP: 'false', JWT_MAX_AGE: '1h' });
      try {
        const issuedAt = (secondsAgo: number) => sign({ sub: 'gus', iat: now() - secondsAgo }, JWT_SECRET, { algorithm: 'HS256' });
        expect(await commandsRun(lenient, bearer(issuedAt(60)))).toBe(1);
        expectRefused(await call(lenient, '/generate', { command: 'stats' }, bearer(issuedAt(7200))), 'invalid_identity', 'issued more than 3600s ago', 'jwt_max_age');
        const noIat = sign({ sub: 'gus' }, JWT_SECRET, { algorithm: 'HS256', noTimestamp: true });
        expectRefused(await call(lenient, '/generate', { command: 'stats' }, bearer(noIat)), 'invalid_identity', "no 'iat' claim");
      } finally {
        await lenient.close();
      }
    });

    it.each<[string, () => string, string]>([
      ['a token signed with another secret', () => sign({ sub: 'alice', exp: now() + 600 }, 'another-secret-of-at-least-32-chars', { algorithm: 'HS256' }), 'bad signature'],
      ['an HS512 token (not in jwt_algorithms, HS256 by default)', () => sign({ sub: 'alice', exp: now() + 600 }, JWT_SECRET, { algorithm: 'HS512' }), 'algorithm HS512 is not accepted'],
      ['an RS256 token', () => sign({ sub: 'alice', exp: now() + 600 }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { algorithm: 'RS256' }), 'algorithm RS256 is not accepted'],
      ['an unsigned token', () => forge({ alg: 'none' }, { sub: 'alice' }), 'unsigned'],
    ])('refuses %s', async (_label, makeToken, reason) => {
      expectRefused(await call(server, '/generate', { command: 'stats' }, bearer(makeToken())), 'invalid_identity', reason);
    });
  });

  describe('jwt with a JWKS of an RSA and an EC key', () => {
    let server: TestServer;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    beforeAll(async () => {
      const keyFile = join(dir, 'jwks.json');
      const keys = [
        { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', use: 'sig' },
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256' },
      ];
      writeFileSync(keyFile, JSON.stringify({ keys }));
      server = await startServer(JWT, { JWT_KEY_FILE: keyFile });
    });
    afterAll(() => server.close());

    it('verifies each token with the key its kid names', async () => {
      expect(await commandsRun(server, bearer(sign({ sub: 'alice', exp: now() + 600 }, rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa-1' })))).toBe(1);
      expect(await commandsRun(server, bearer(sign({ sub: 'alice', exp: now() + 600 }, ec.privateKey, { algorithm: 'ES256', keyid: 'ec-1' })))).toBe(2);
    });

    it('picks the one key that fits the algorithm when the token names none', async () => {
      expect(await commandsRun(server, bearer(sign({ sub: 'bob', exp: now() + 600 }, ec.privateKey, { algorithm: 'ES256' })))).toBe(1);
    });

    it('refuses a kid the key set does not hold', async () => {
      const reply = await call(server, '/generate', { command: 'stats' }, bearer(sign({ sub: 'alice', exp: now() + 600 }, rsa.privateKey, { algorithm: 'RS256', keyid: 'rsa-2' })));
      expectRefused(reply, 'invalid_identity', "key id ('kid') names no key");
    });

    it('refuses a token that names the RSA key but is signed by the EC key', async () => {
      const reply = await call(server, '/generate', { command: 'stats' }, bearer(sign({ sub: 'alice', exp: now() + 600 }, ec.privateKey, { algorithm: 'ES256', keyid: 'rsa-1' })));
      expectRefused(reply, 'invalid_identity', "key id ('kid') names no key");
    });
  });

  describe('header behind a trusted proxy (test/fixtures/identity-header.yml)', () => {
    describe('when this client (127.0.0.1) is a trusted proxy', () => {
      let server: TestServer;
      beforeAll(async () => {
        server = await startServer(HEADER, { TRUSTED_PROXY: '127.0.0.0/8' });
      });
      afterAll(() => server.close());

      it('serves the user the header names, each user apart', async () => {
        await call(server, '/generate', { command: 'note', action: 'add', param1: 'alice only' }, { 'x-user-id': 'alice' });
        expect(await notesOf(server, { 'x-user-id': 'alice' })).toEqual(['alice only']);
        expect(await notesOf(server, { 'x-user-id': 'bob' })).toEqual([]);
      });

      it('answers a request without the header with 401 naming it', async () => {
        expectRefused(await call(server, '/generate', { command: 'stats' }), 'missing_identity', "'x-user-id' header");
      });

      it('rejects a malformed user id with 400', async () => {
        const reply = await call(server, '/generate', { command: 'stats' }, { 'x-user-id': 'a b' });
        expect({ status: reply.status, code: reply.json.code }).toEqual({ status: 400, code: 'invalid_session_id' });
      });
    });

    describe('when only other addresses are trusted', () => {
      let server: TestServer;
      beforeAll(async () => {
        server = await startServer(HEADER, { TRUSTED_PROXY: '10.0.0.0/8' });
      });
      afterAll(() => server.close());

      it('refuses the header from this client with 401 saying why, whatever X-Forwarded-For claims', async () => {
        const reply = await call(server, '/generate', { command: 'stats' }, { 'x-user-id': 'alice', 'x-forwarded-for': '10.0.0.1' });
        expectRefused(reply, 'invalid_identity', 'accepted only from a trusted proxy', 'came from 127.0.0.1');
      });
    });
  });

  describe('api_key', () => {
    const keys = { 'alice-key-0123456789abcdef': 'alice', 'bob-key-0123456789abcdef': 'bob' };
    let server: TestServer;
    beforeAll(async () => {
      const keysFile = join(dir, 'keys.json');
      writeFileSync(keysFile, JSON.stringify(keys));
      server = await startServer(API_KEY, { API_KEYS_FILE: keysFile });
    });
    afterAll(() => server.close());

    it('serves the user the key is mapped to, each user apart', async () => {
      await call(server, '/generate', { command: 'note', action: 'add', param1: 'alice only' }, { 'x-api-key': 'alice-key-0123456789abcdef' });
      expect(await notesOf(server, { 'x-api-key': 'alice-key-0123456789abcdef' })).toEqual(['alice only']);
      expect(await notesOf(server, { 'x-api-key': 'bob-key-0123456789abcdef' })).toEqual([]);
    });

    it('refuses an unknown key with 401', async () => {
      expectRefused(await call(server, '/generate', { command: 'stats' }, { 'x-api-key': 'alice-key-0123456789abcdeX' }), 'invalid_identity', 'not known');
    });

    it('answers a request without a key with 401 naming X-API-Key', async () => {
      expectRefused(await call(server, '/generate', { command: 'stats' }), 'missing_identity', "'X-API-Key: <key>'");
    });

    it('reads a keys file given relative to the config file, as a YAML list of {key, user}', async () => {
      const configDir = mkdtempSync(join(dir, 'relative-'));
      copyFileSync(API_KEY, join(configDir, 'config.yml'));
      writeFileSync(join(configDir, 'api-keys.yml'), '- key: carol-key-0123456789abcdef\n  user: carol\n');
      const relative = await startServer(join(configDir, 'config.yml'), {});
      try {
        expect(await commandsRun(relative, { 'x-api-key': 'carol-key-0123456789abcdef' })).toBe(1);
      } finally {
        await relative.close();
      }
    });
  });

  describe('key files that cannot be used stop startup with a config error', () => {
    async function startupError(file: string, env: NodeJS.ProcessEnv): Promise<ConfigError> {
      const error = await startServer(file, env).then(
        async (server) => {
          await server.close();
          throw new Error('the server started');
        },
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }

    it('names a public key file that does not exist', async () => {
      const error = await startupError(JWT, { JWT_KEY_FILE: 'no-such-key.pem' });
      expect(error.issues).toEqual([
        { path: 'general.identity.jwt_public_key_file', message: `cannot read ${resolve('test/fixtures/no-such-key.pem')}: file not found` },
      ]);
    });

    it('refuses a public key file that holds no key', async () => {
      const keyFile = join(dir, 'garbage.pem');
      writeFileSync(keyFile, 'not a key');
      const error = await startupError(JWT, { JWT_KEY_FILE: keyFile });
      expect(error.issues).toEqual([{ path: 'general.identity.jwt_public_key_file', message: expect.stringContaining(`${keyFile} holds no usable public key`) }]);
    });

    it('refuses a JWKS that holds an HMAC secret', async () => {
      const keyFile = join(dir, 'oct.json');
      writeFileSync(keyFile, JSON.stringify({ keys: [{ kty: 'oct', k: Buffer.from(JWT_SECRET).toString('base64url') }] }));
      const error = await startupError(JWT, { JWT_KEY_FILE: keyFile });
      expect(error.message).toContain("holds a symmetric key (kty 'oct')");
    });

    it('lists each bad entry of a keys file, without printing any key', async () => {
      const keysFile = join(dir, 'bad-keys.yml');
      writeFileSync(keysFile, 'short-key: alice\nvery-long-key-0123456789: "not a user"\n');
      const error = await startupError(API_KEY, { API_KEYS_FILE: keysFile });
      expect(error.issues).toEqual([
        { path: 'general.identity.api_keys_file', message: `${keysFile}, entry 1: the key is shorter than 16 characters` },
        { path: 'general.identity.api_keys_file', message: `${keysFile}, entry 2: the user id must match ^[A-Za-z0-9\\-_.~]{1,128}$` },
      ]);
      expect(error.message).not.toContain('short-key');
      expect(error.message).not.toContain('very-long-key');
    });
  });
});

/** `token` with its payload replaced and its signature kept. */
function tamper(token: string, payload: object): string {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url(payload)}.${signature}`;
}
