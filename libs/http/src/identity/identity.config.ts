import { isIP } from 'node:net';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { IsDuration } from '@userscope/runtime';
import { DEFAULT_SESSION_COOKIE } from './identity.constants';

/** How a request names its user: `general.identity.mode`. */
export const IDENTITY_MODES = ['cookie', 'signed_cookie', 'jwt', 'header', 'api_key'] as const;
export type IdentityModeName = (typeof IDENTITY_MODES)[number];

/** The JWT algorithms Userscope verifies; `none` is never one of them. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** Shortest HMAC key accepted (`secret`, `jwt_secret`): 256 bits of text. */
export const MIN_SECRET_LENGTH = 32;

const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * How callers are identified: `general.identity`. `cookie` (NAT's behaviour, the default) trusts the
 * client; the other modes verify what the client sends. Each mode's keys are checked only as far as
 * the config can tell; key files are read, and checked, when the server starts.
 */
export class IdentityConfig {
  /** `cookie`, `signed_cookie`, `jwt`, `header` or `api_key`. */
  @IsIn(IDENTITY_MODES, { message: `mode must be one of: ${IDENTITY_MODES.join(', ')}` })
  mode: IdentityModeName = 'cookie';

  /** The cookie that names the user (`cookie`, `signed_cookie`); NAT's `nat-session`. */
  @IsString()
  @Matches(HTTP_TOKEN, { message: 'cookie_name must be a valid cookie name' })
  cookie_name: string = DEFAULT_SESSION_COOKIE;

  /** `signed_cookie`: the HMAC-SHA256 key; read it from the environment (`${USERSCOPE_IDENTITY_SECRET}`). */
  @Transform(blankToUndefined)
  @IsIdentityString({
    requiredWhen: (config) => config.mode === 'signed_cookie',
    missing: `mode signed_cookie needs secret: an HMAC key of at least ${MIN_SECRET_LENGTH} characters, e.g. secret: \${USERSCOPE_IDENTITY_SECRET}`,
    minLength: MIN_SECRET_LENGTH,
  })
  secret?: string;

  /** `signed_cookie`: give a caller without the cookie a new random user id in a signed cookie. */
  @IsBoolean()
  issue_cookies: boolean = false;

  /** Issued cookies get `Secure` (sent over HTTPS only). Turn on when the server is behind TLS. */
  @IsBoolean()
  secure_cookies: boolean = false;

  /** Lifetime of an issued cookie (a duration); without it the cookie lasts the browser session. */
  @IsOptional()
  @IsDuration()
  cookie_max_age?: number;

  /** `jwt`: the HS256 key; read it from the environment. */
  @Transform(blankToUndefined)
  @IsIdentityString({
    requiredWhen: (config) => config.mode === 'jwt' && config.jwt_public_key_file === undefined,
    missing: 'mode jwt needs jwt_secret (an HS256 key) or jwt_public_key_file (an RS256/ES256 public key: PEM or JWKS)',
    minLength: MIN_SECRET_LENGTH,
  })
  jwt_secret?: string;

  /** `jwt`: a PEM public key or certificate, or a JWKS JSON file (keys picked by `kid`); relative to the config file. */
  @Transform(blankToUndefined)
  @IsIdentityString({ excludes: 'jwt_secret' })
  jwt_public_key_file?: string;

  /** `jwt`: the accepted `alg` values; default: what the key is for (HS256 for a secret, RS256 for an RSA key, ...). */
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @IsIn(JWT_ALGORITHMS, { each: true, message: `jwt_algorithms may hold: ${JWT_ALGORITHMS.join(', ')}` })
  @FitsJwtKeyKind()
  jwt_algorithms?: JwtAlgorithm[];

  /** `jwt`: the accepted `iss` (one or a list); unchecked when absent. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString({ each: true, message: 'jwt_issuer must be a string or a list of strings' })
  @IsNotEmpty({ each: true })
  jwt_issuer?: string | string[];

  /** `jwt`: the accepted `aud` (one or a list); unchecked when absent. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString({ each: true, message: 'jwt_audience must be a string or a list of strings' })
  @IsNotEmpty({ each: true })
  jwt_audience?: string | string[];

  /** `jwt`: how far clocks may disagree when `exp` and `nbf` are checked. */
  @IsDuration()
  jwt_clock_skew: number = 30;

  /** `jwt`: refuse tokens without `exp`, which would be valid forever. */
  @IsBoolean()
  jwt_require_exp: boolean = true;

  /** `jwt`: the oldest token accepted, by its `iat` (a duration); tokens must then carry `iat`. Unchecked when absent. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsDuration()
  jwt_max_age?: number;

  /** `jwt`: the claim that holds the user id. */
  @IsString()
  @IsNotEmpty()
  claim: string = 'sub';

  /** `header`: the header a trusted proxy sets to the user id. */
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsString()
  @Matches(HTTP_TOKEN, { message: 'header_name must be a valid header name' })
  header_name: string = 'x-user-id';

  /** `header`: IPs and CIDRs (IPv4 or IPv6) of the proxies allowed to set `header_name`. */
  @IsArray()
  @AreIpsOrCidrs()
  @RequiredWhen((config) => config.mode === 'header', 'mode header needs trusted_proxies: the addresses (IPs or CIDRs) of the proxies that set the user header')
  trusted_proxies: string[] = [];

  /** `api_key`: a YAML or JSON file mapping API keys to user ids; relative to the config file. */
  @Transform(blankToUndefined)
  @IsIdentityString({
    requiredWhen: (config) => config.mode === 'api_key',
    missing: 'mode api_key needs api_keys_file: a YAML or JSON file mapping each API key to its user id',
  })
  api_keys_file?: string;
}

function blankToUndefined({ value }: { value: unknown }): unknown {
  return value === '' || value === null ? undefined : value;
}

/**
 * A string setting, required when `requiredWhen` holds, at least `minLength` long, not given together
 * with `excludes`. One issue per problem, and never the value itself: it may be a secret.
 */
function IsIdentityString(options: {
  requiredWhen?: (config: IdentityConfig) => boolean;
  missing?: string;
  minLength?: number;
  excludes?: keyof IdentityConfig;
}): PropertyDecorator {
  const problem = (value: unknown, args: ValidationArguments): string | undefined => {
    const config = args.object as IdentityConfig;
    if (value === undefined) return options.requiredWhen?.(config) ? options.missing : undefined;
    if (typeof value !== 'string') {
      // `${VAR}` alone is read as YAML, so a secret of digits arrives as a number, its precision lost.
      return options.minLength
        ? `${args.property} must be text; a value of digits alone is read as a number, so use a secret with letters`
        : `${args.property} must be a string`;
    }
    if (options.minLength && value.length < options.minLength) {
      return `${args.property} must be at least ${options.minLength} characters`;
    }
    if (options.excludes && config[options.excludes] !== undefined) {
      return `give ${options.excludes} or ${args.property}, not both`;
    }
    return undefined;
  };
  return (target, key) =>
    registerDecorator({
      name: 'isIdentityString',
      target: target.constructor,
      propertyName: String(key),
      validator: {
        validate: (value: unknown, args) => problem(value, args!) === undefined,
        defaultMessage: (args) => problem(args!.value, args!) ?? '',
      },
    });
}

/** Fails with `message` when `when` holds and the value is empty. */
function RequiredWhen(when: (config: IdentityConfig) => boolean, message: string): PropertyDecorator {
  return (target, key) =>
    registerDecorator({
      name: 'requiredWhen',
      target: target.constructor,
      propertyName: String(key),
      options: { message },
      validator: {
        validate: (value: unknown, args) =>
          !when(args!.object as IdentityConfig) || (value !== undefined && !(Array.isArray(value) && value.length === 0)),
      },
    });
}

/** An IPv4 or IPv6 address, optionally with a prefix length: `10.0.0.0/8`, `::1`, `fd00::/8`. */
export function parseIpOrCidr(text: string): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefix, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (!version || rest.length > 0) return undefined;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) return { address, family };
  const bits = Number(prefix);
  if (!/^\d{1,3}$/.test(prefix) || bits > (version === 4 ? 32 : 128)) return undefined;
  return { address, prefix: bits, family };
}

/** A list of IPs and CIDRs; one issue names every entry that is neither. */
function AreIpsOrCidrs(): PropertyDecorator {
  const bad = (value: unknown): unknown[] =>
    Array.isArray(value) ? value.filter((entry) => typeof entry !== 'string' || parseIpOrCidr(entry) === undefined) : [];
  return (target, key) =>
    registerDecorator({
      name: 'areIpsOrCidrs',
      target: target.constructor,
      propertyName: String(key),
      validator: {
        validate: (value: unknown) => bad(value).length === 0,
        defaultMessage: (args) => {
          const entries = bad(args?.value);
          return `${entries.map((entry) => JSON.stringify(entry)).join(', ')} ${entries.length > 1 ? 'are not IP addresses or CIDRs' : 'is not an IP address or CIDR'} (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8)`;
        },
      },
    });
}

/** HS* algorithms need `jwt_secret`; RS/PS/ES ones need `jwt_public_key_file`: no HS/RS confusion. */
function FitsJwtKeyKind(): PropertyDecorator {
  const misfits = (value: unknown, config: IdentityConfig): string[] => {
    // Names that are no algorithm at all (`none`) have their own issue.
    const known = Array.isArray(value) ? value.filter((alg) => (JWT_ALGORITHMS as readonly unknown[]).includes(alg)) : [];
    if (config.jwt_secret !== undefined) return known.filter((alg) => !alg.startsWith('HS'));
    if (config.jwt_public_key_file !== undefined) return known.filter((alg) => alg.startsWith('HS'));
    return [];
  };
  return (target, key) =>
    registerDecorator({
      name: 'fitsJwtKeyKind',
      target: target.constructor,
      propertyName: String(key),
      validator: {
        validate: (value: unknown, args) => misfits(value, args!.object as IdentityConfig).length === 0,
        defaultMessage: (args) => {
          const config = args!.object as IdentityConfig;
          const wrong = misfits(args!.value, config).join(', ');
          return config.jwt_secret !== undefined
            ? `${wrong} need a public key (jwt_public_key_file); jwt_secret verifies HS256, HS384 and HS512 only`
            : `${wrong} need jwt_secret; a public key (jwt_public_key_file) verifies RS*, PS* and ES* only`;
        },
      },
    });
}
