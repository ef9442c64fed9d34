import 'reflect-metadata';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyReply } from 'fastify';
import type { ContextIdResolver, ContextIdStrategy } from '@nestjs/core';
import { ConfigError, GeneralConfig, UserscopeConfig } from '@userscope/runtime';
import { RequestAdmission } from '../admission/request-admission';
import { InvalidIdentityError } from './exceptions/invalid-identity.exception';
import { IDENTITY_CONFIG_SECTION } from './identity-config.section';
import { IdentityConfig } from './identity.config';
import { IdentityResolver } from './identity.resolver';
import { SessionContextIdStrategy } from './session-context-id.strategy';
import { TrustedProxies } from './modes/header.identity';
import { JwtKeySet } from './modes/jwt-key-set';

const SECRET = 's'.repeat(32);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'userscope-identity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A config whose only meaningful part is `general.identity`, as the loader would build it. */
function configWith(identity: Partial<IdentityConfig>): UserscopeConfig {
  const sections = new Map([[IDENTITY_CONFIG_SECTION.key, Object.assign(new IdentityConfig(), identity)]]);
  return { file: join(dir, 'config.yml'), general: new GeneralConfig(), sections } as unknown as UserscopeConfig;
}

/** A reply that records the headers set on its raw response. */
function fakeReply(): FastifyReply & { cookies: string[] } {
  const cookies: string[] = [];
  return { cookies, raw: { appendHeader: (_name: string, value: string) => cookies.push(value) } } as never;
}

describe('IdentityResolver', () => {
  const issuing = () => new IdentityResolver(configWith({ mode: 'signed_cookie', secret: SECRET, issue_cookies: true }));

  it('issues a new identity only when given the reply', () => {
    const resolver = issuing();
    expect(resolver.resolve({ headers: {} })).toBeUndefined();
    const reply = fakeReply();
    const userId = resolver.resolve({ headers: {} }, reply);
    expect(userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.cookies).toEqual([expect.stringMatching(new RegExp(`^nat-session=${userId}\\.[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$`))]);
  });

  it('reads the identity it issued back', () => {
    const resolver = issuing();
    const reply = fakeReply();
    const userId = resolver.resolve({ headers: {} }, reply);
    const cookie = reply.cookies[0].split(';')[0];
    expect(resolver.resolve({ headers: { cookie: `theme=dark; ${cookie}` } }, fakeReply())).toBe(userId);
  });

  it('keeps cookie mode NAT-compatible: the raw value, a malformed one a 400', () => {
    const resolver = new IdentityResolver(configWith({}));
    expect(resolver.resolve({ headers: { cookie: 'nat-session=alice' } })).toBe('alice');
    expect(() => resolver.resolve({ headers: { cookie: 'nat-session=a%20b' } })).toThrow(expect.objectContaining({ body: expect.objectContaining({ code: 'invalid_session_id' }) }));
  });
});

describe('IdentityResolver in jwt mode: verified claims', () => {
  const hs256 = (payload: object, secret = SECRET) => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ exp: Math.floor(Date.now() / 1000) + 600, ...payload })}`;
    return `Bearer ${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
  };

  it('records the claims of a token it verified, under its user', () => {
    const resolver = new IdentityResolver(configWith({ mode: 'jwt', jwt_secret: SECRET }));
    expect(resolver.resolve({ headers: { authorization: hs256({ sub: 'alice', tenant: 'acme' }) } })).toBe('alice');
    expect(resolver.claims.of('alice')).toMatchObject({ sub: 'alice', tenant: 'acme' });
  });

  it("verifies one request's token once, however often the request is resolved (cluster routing, then the route)", () => {
    const resolver = new IdentityResolver(configWith({ mode: 'jwt', jwt_secret: SECRET }));
    const verify = jest.spyOn((resolver as unknown as { mode: { identifyWithClaims(request: object): unknown } }).mode, 'identifyWithClaims');
    const headers = { authorization: hs256({ sub: 'alice' }) };
    expect(resolver.resolve({ headers })).toBe('alice');
    expect(resolver.resolve({ headers, socket: undefined })).toBe('alice'); // another request object, the same headers
    expect(verify).toHaveBeenCalledTimes(1);
    expect(resolver.resolve({ headers: { ...headers } })).toBe('alice'); // another request: verified anew
    expect(verify).toHaveBeenCalledTimes(2);
    const forged = { authorization: hs256({ sub: 'mallory' }, 'x'.repeat(32)) };
    expect(() => resolver.resolve({ headers: forged })).toThrow(InvalidIdentityError);
    expect(() => resolver.resolve({ headers: forged })).toThrow(InvalidIdentityError); // a refusal is not kept: checked again
    expect(verify).toHaveBeenCalledTimes(4);
  });

  it('records nothing of a token that fails verification', () => {
    const resolver = new IdentityResolver(configWith({ mode: 'jwt', jwt_secret: SECRET }));
    expect(() => resolver.resolve({ headers: { authorization: hs256({ sub: 'mallory', tenant: 'acme' }, 'x'.repeat(32)) } })).toThrow(InvalidIdentityError);
    expect(resolver.claims.of('mallory')).toBeUndefined();
  });

  it('keeps the claims of at most general.max_sessions users, the least recently seen dropped', () => {
    const config = configWith({ mode: 'jwt', jwt_secret: SECRET });
    config.general.max_sessions = 2;
    const resolver = new IdentityResolver(config);
    for (const user of ['u1', 'u2', 'u1', 'u3']) resolver.resolve({ headers: { authorization: hs256({ sub: user }) } });
    expect([resolver.claims.of('u1'), resolver.claims.of('u2'), resolver.claims.of('u3')].map((claims) => claims?.sub)).toEqual(['u1', undefined, 'u3']);
  });
});

describe('SessionContextIdStrategy', () => {
  const admission = { admit: jest.fn((_request: object, userId: string) => ({ userId, contextId: { id: 1 } })) };
  const strategy = (identity: Partial<IdentityConfig>) =>
    new SessionContextIdStrategy(new IdentityResolver(configWith(identity)), admission as unknown as RequestAdmission);
  const signed = (user: string) => `nat-session=${user}.${createHmac('sha256', SECRET).update(user).digest('base64url')}`;
  const info = (isTreeDurable: boolean) => ({ token: 'component', isTreeDurable });
  beforeEach(() => admission.admit.mockClear());

  it("attaches the user's session for a valid identity, admitted as one of the user's requests", () => {
    const resolver = strategy({ mode: 'signed_cookie', secret: SECRET }).attach({ id: 2 }, { headers: { cookie: signed('alice') } });
    expect(resolver).toMatchObject({ payload: { userId: 'alice' } });
    expect(admission.admit).toHaveBeenCalledTimes(1);
    expect((resolver as ContextIdResolver).resolve(info(true))).toEqual({ id: 1 });
    expect((resolver as ContextIdResolver).resolve(info(false))).toEqual({ id: 2 });
  });

  it('never issues an identity, and treats an invalid one as none', () => {
    const issuing = strategy({ mode: 'signed_cookie', secret: SECRET, issue_cookies: true });
    expect(issuing.attach({ id: 2 }, { headers: {} })).toBeUndefined();
    expect(issuing.attach({ id: 2 }, { headers: { cookie: 'nat-session=alice' } })).toBeUndefined();
    expect(admission.admit).not.toHaveBeenCalled();
  });

  it("leaves Userscope's own routes to admit themselves", () => {
    const own = strategy({ mode: 'signed_cookie', secret: SECRET });
    expect(own.attach({ id: 2 }, { url: '/generate?x=1', headers: { cookie: signed('alice') } })).toBeUndefined();
    expect(admission.admit).not.toHaveBeenCalled();
  });

  it("composes with the host's strategy: the host's keeps the requests without identity and the non-durable trees", () => {
    const tenant = { id: 99 };
    const host: ContextIdStrategy = { attach: () => ({ resolve: () => tenant, payload: { tenant: 'acme' } }) };
    const composed = strategy({ mode: 'signed_cookie', secret: SECRET }).composeWith(host);
    expect(composed.attach({ id: 2 }, { headers: {} })).toMatchObject({ payload: { tenant: 'acme' } });
    const resolver = composed.attach({ id: 2 }, { headers: { cookie: signed('bob') } }) as ContextIdResolver;
    expect(resolver.payload).toMatchObject({ userId: 'bob' });
    expect(resolver.resolve(info(true))).toEqual({ id: 1 });
    expect(resolver.resolve(info(false))).toBe(tenant);
  });
});

describe('TrustedProxies', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1', '::ffff:172.16.0.0/108']);

  it.each([
    ['10.1.2.3', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['::ffff:10.1.2.3', true], // IPv4-mapped, as a dual-stack socket reports IPv4 peers
    ['::ffff:11.0.0.1', false],
    ['fd12::1', true],
    ['fe80::1', false],
    ['::1', true],
    ['172.16.5.5', true], // trusted as ::ffff:172.16.0.0/108, that is 172.16.0.0/12
    ['172.32.0.1', false],
    ['127.0.0.1', false],
    ['', false],
  ])('%j is trusted: %s', (peer, trusted) => {
    expect(proxies.includes(peer)).toBe(trusted);
  });
});

describe('HeaderIdentity', () => {
  const resolver = () => new IdentityResolver(configWith({ mode: 'header', trusted_proxies: ['10.0.0.0/8'] }));

  it('believes the header only from a trusted peer, never from X-Forwarded-For', () => {
    expect(resolver().resolve({ headers: { 'x-user-id': 'alice' }, socket: { remoteAddress: '::ffff:10.0.0.9' } })).toBe('alice');
    expect(() =>
      resolver().resolve({ headers: { 'x-user-id': 'alice', 'x-forwarded-for': '10.0.0.9' }, socket: { remoteAddress: '203.0.113.5' } }),
    ).toThrow(InvalidIdentityError);
  });
});

describe('JwtKeySet', () => {
  function keySet(identity: Partial<IdentityConfig>): JwtKeySet {
    return JwtKeySet.fromConfig(configWith({ mode: 'jwt', ...identity }));
  }
  function keyFile(name: string, text: string): string {
    writeFileSync(join(dir, name), text);
    return name; // relative to the config file's folder
  }
  function startupError(fn: () => unknown): ConfigError {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return error as ConfigError;
    }
    throw new Error('expected a ConfigError');
  }

  it('derives the algorithm from the key: HS256 for a secret, ES256/ES384 for EC curves, RS256 for RSA', () => {
    expect(keySet({ jwt_secret: SECRET }).algorithms).toEqual(['HS256']);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(keySet({ jwt_public_key_file: keyFile('p256.pem', p256) }).algorithms).toEqual(['ES256']);
    expect(keySet({ jwt_public_key_file: keyFile('p384.pem', p384) }).algorithms).toEqual(['ES384']);
    expect(keySet({ jwt_public_key_file: resolve('test/fixtures/identity-cert.pem') }).algorithms).toEqual(['RS256']);
  });

  it('takes configured algorithms that fit the key, and refuses ones that do not', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    expect(keySet({ jwt_public_key_file: keyFile('rsa.pem', rsa), jwt_algorithms: ['RS256', 'PS256'] }).algorithms).toEqual(['RS256', 'PS256']);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const error = startupError(() => keySet({ jwt_public_key_file: keyFile('ec.pem', ec), jwt_algorithms: ['RS256'] }));
    expect(error.issues).toEqual([{ path: 'general.identity.jwt_algorithms', message: `RS256 cannot be verified with the key in ${join(dir, 'ec.pem')}; it takes ES256` }]);
  });

  it('refuses a JWKS with two keys of one kid, or a key whose alg does not fit it', () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const twice = keyFile('twice.json', JSON.stringify({ keys: [{ ...jwk, kid: 'a' }, { ...jwk, kid: 'a' }] }));
    expect(startupError(() => keySet({ jwt_public_key_file: twice })).message).toContain("two keys with kid 'a'");
    const misfit = keyFile('misfit.json', JSON.stringify({ keys: [{ ...jwk, kid: 'a', alg: 'RS256' }] }));
    expect(startupError(() => keySet({ jwt_public_key_file: misfit })).message).toContain('RS256 cannot be verified');
  });

  it('skips encryption keys, and needs a signing key', () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const encOnly = keyFile('enc.json', JSON.stringify({ keys: [{ ...jwk, use: 'enc' }] }));
    expect(startupError(() => keySet({ jwt_public_key_file: encOnly })).message).toContain('holds no signing keys');
  });
});
