import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerUserWorkflowExampleModule } from '@userscope/examples';
import { ConfigError, ConfigIssue, FunctionTypeRegistry, readConfigFile, resolveConfig, scanPlugins } from '@userscope/runtime';
import { HTTP_CONFIG_SECTIONS } from '../http-config.sections';
import { identityConfigOf } from './identity-config.section';
import { IdentityConfig, parseIpOrCidr } from './identity.config';

const SEED_FUNCTIONS = `
functions:
  notepad: { _type: per_user_notepad }
  preferences: { _type: per_user_preferences }
workflow:
  _type: per_user_assistant
  notepad_name: notepad
  preferences_name: preferences
`;

const SECRET = 'k'.repeat(32);

let dir: string;
let registry: FunctionTypeRegistry;

beforeAll(() => {
  registry = scanPlugins([PerUserWorkflowExampleModule]);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'userscope-identity-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Loads a config whose `general.identity` section is `identity` (YAML lines, indented by the helper). */
function load(identity: string, env: NodeJS.ProcessEnv = {}): IdentityConfig {
  const file = join(dir, 'config.yml');
  const section = identity.trim().split('\n').map((line) => `    ${line}`).join('\n');
  writeFileSync(file, `general:\n  identity:\n${section}\n${SEED_FUNCTIONS}`);
  return identityConfigOf(resolveConfig(readConfigFile(file, env), registry, HTTP_CONFIG_SECTIONS));
}

function rejection(identity: string, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    load(identity, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

function issues(identity: string, env: NodeJS.ProcessEnv = {}): ConfigIssue[] {
  return rejection(identity, env).issues;
}

function issueAt(path: string, fragment: string) {
  return { path, message: expect.stringContaining(fragment) };
}

describe('general.identity', () => {
  it("defaults to NAT's raw nat-session cookie", () => {
    const identity = load('cookie_name: nat-session');
    expect(identity).toMatchObject({
      mode: 'cookie',
      cookie_name: 'nat-session',
      issue_cookies: false,
      secure_cookies: false,
      jwt_clock_skew: 30,
      claim: 'sub',
      header_name: 'x-user-id',
      trusted_proxies: [],
    });
  });

  it('rejects an unknown mode, naming the modes', () => {
    expect(issues('mode: oauth')).toEqual([issueAt('general.identity.mode', 'cookie, signed_cookie, jwt, header, api_key')]);
  });

  it('rejects a misspelt key instead of dropping it, since a dropped check would pass everything', () => {
    const found = issues(`mode: jwt\njwt_secret: ${SECRET}\njwt_audiences: my-api`);
    expect(found).toEqual([issueAt('general.identity.jwt_audiences', "unknown key 'jwt_audiences' for IdentityConfig")]);
    expect(found[0].message).toContain('jwt_audience');
  });

  describe('signed_cookie', () => {
    it('reads the secret from the environment', () => {
      const config = load('mode: signed_cookie\nsecret: ${USERSCOPE_IDENTITY_SECRET}\nissue_cookies: true\ncookie_max_age: 1d', {
        USERSCOPE_IDENTITY_SECRET: SECRET,
      });
      expect(config).toMatchObject({ mode: 'signed_cookie', secret: SECRET, issue_cookies: true, cookie_max_age: 86400 });
    });

    it('needs a secret', () => {
      expect(issues('mode: signed_cookie')).toEqual([issueAt('general.identity.secret', 'mode signed_cookie needs secret')]);
    });

    it('reports an unset secret variable as a config error', () => {
      expect(issues('mode: signed_cookie\nsecret: ${USERSCOPE_IDENTITY_SECRET}')).toEqual([
        issueAt('general.identity.secret', 'USERSCOPE_IDENTITY_SECRET is not set'),
      ]);
    });

    it('refuses a secret of digits alone, which YAML reads as a number', () => {
      expect(issues('mode: signed_cookie\nsecret: ${DIGITS}', { DIGITS: '1'.repeat(40) })).toEqual([
        issueAt('general.identity.secret', 'use a secret with letters'),
      ]);
    });

    it('needs a secret of at least 32 characters, and never prints it', () => {
      const error = rejection('mode: signed_cookie\nsecret: ${SHORT}', { SHORT: 'hunter2-hunter2' });
      expect(error.issues).toEqual([issueAt('general.identity.secret', 'at least 32 characters')]);
      expect(error.message).not.toContain('hunter2');
    });
  });

  describe('jwt', () => {
    it('needs jwt_secret or jwt_public_key_file', () => {
      expect(issues('mode: jwt')).toEqual([issueAt('general.identity.jwt_secret', 'mode jwt needs jwt_secret (an HS256 key) or jwt_public_key_file')]);
    });

    it('takes one of them, not both', () => {
      expect(issues(`mode: jwt\njwt_secret: ${SECRET}\njwt_public_key_file: key.pem`)).toEqual([
        issueAt('general.identity.jwt_public_key_file', 'give jwt_secret or jwt_public_key_file, not both'),
      ]);
    });

    it('needs a jwt_secret of at least 32 characters, and never prints it', () => {
      const error = rejection('mode: jwt\njwt_secret: too-short-secret');
      expect(error.issues).toEqual([issueAt('general.identity.jwt_secret', 'at least 32 characters')]);
      expect(error.message).not.toContain('too-short-secret');
    });

    it('refuses algorithms that do not fit the kind of key: no HS/RS confusion, and no none', () => {
      expect(issues(`mode: jwt\njwt_secret: ${SECRET}\njwt_algorithms: [HS256, RS256]`)).toEqual([
        issueAt('general.identity.jwt_algorithms', 'RS256 need a public key'),
      ]);
      expect(issues('mode: jwt\njwt_public_key_file: key.pem\njwt_algorithms: [HS256]')).toEqual([
        issueAt('general.identity.jwt_algorithms', 'HS256 need jwt_secret'),
      ]);
      expect(issues(`mode: jwt\njwt_secret: ${SECRET}\njwt_algorithms: [none]`)).toEqual([
        issueAt('general.identity.jwt_algorithms', 'may hold: HS256, HS384'),
      ]);
    });

    it('takes issuer and audience as one value or a list, and a clock skew as a duration', () => {
      const identity = load(`mode: jwt\njwt_secret: ${SECRET}\njwt_issuer: https://idp\njwt_audience: [a, b]\njwt_clock_skew: 1m\nclaim: email`);
      expect(identity).toMatchObject({ jwt_issuer: 'https://idp', jwt_audience: ['a', 'b'], jwt_clock_skew: 60, claim: 'email' });
    });
  });

  describe('header', () => {
    it('needs trusted_proxies', () => {
      expect(issues('mode: header')).toEqual([issueAt('general.identity.trusted_proxies', 'mode header needs trusted_proxies')]);
    });

    it('takes IPs and CIDRs, IPv4 and IPv6, and rejects anything else', () => {
      const identity = load('mode: header\nheader_name: X-Remote-User\ntrusted_proxies: [10.0.0.0/8, "::1", "fd00::/8", "::ffff:192.168.0.1"]');
      expect(identity.header_name).toBe('x-remote-user');
      expect(issues('mode: header\ntrusted_proxies: [10.0.0.1, 10.0.0.0/33, proxy.local]')).toEqual([
        issueAt('general.identity.trusted_proxies', '"10.0.0.0/33", "proxy.local" are not IP addresses or CIDRs'),
      ]);
    });
  });

  describe('api_key', () => {
    it('needs api_keys_file', () => {
      expect(issues('mode: api_key')).toEqual([issueAt('general.identity.api_keys_file', 'mode api_key needs api_keys_file')]);
    });
  });
});

describe('parseIpOrCidr', () => {
  it.each([
    ['10.0.0.1', { address: '10.0.0.1', family: 'ipv4' }],
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['::1', { address: '::1', family: 'ipv6' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
    ['::ffff:127.0.0.1', { address: '::ffff:127.0.0.1', family: 'ipv6' }],
  ])('reads %s', (text, parsed) => {
    expect(parseIpOrCidr(text)).toEqual(parsed);
  });

  it.each(['10.0.0.0/33', '::/129', 'localhost', '10.0.0.0/', '10.0.0.0/x', '1.2.3.4/8/8', ''])('rejects %j', (text) => {
    expect(parseIpOrCidr(text)).toBeUndefined();
  });
});
