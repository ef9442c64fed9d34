import { SESSION_ID_PATTERN, UserscopeConfig } from '@userscope/runtime';
import { IdentityConfig } from '../identity.config';
import { InvalidIdentityError } from '../exceptions/invalid-identity.exception';
import { MissingIdentityError } from '../exceptions/missing-identity.exception';
import { identityConfigOf } from '../identity-config.section';
import { IdentityMessages } from '../identity.messages';
import { IdentityMode, IdentityRequest, IdentitySecurity, VerifiedIdentity } from '../interfaces/identity-mode.interface';
import { JwtKeySet } from './jwt-key-set';
import { bearerToken } from '../bearer-token';

type JsonWebToken = typeof import('jsonwebtoken');
let jsonwebtoken: JsonWebToken | undefined;
/** jsonwebtoken, loaded by the first JWT check: a server in another identity mode starts without it. */
function jwtLibrary(): JsonWebToken {
  jsonwebtoken ??= require('jsonwebtoken') as JsonWebToken;
  return jsonwebtoken;
}

/**
 * `jwt`: `Authorization: Bearer <JWT>`, verified: signature (HS256 with `jwt_secret`, or RS/PS/ES with
 * the public keys of `jwt_public_key_file`), `exp` and `nbf` within `jwt_clock_skew`, and `iss` and
 * `aud` when configured, `exp` present (`jwt_require_exp`) and `iat` within `jwt_max_age`. `alg: none` is refused. The user id is the `claim` claim (`sub`).
 * NAT reads these tokens without verifying them; Userscope does not.
 */
export class JwtIdentity implements IdentityMode {
  private readonly identity: IdentityConfig;
  private readonly keys: JwtKeySet;
  readonly security: IdentitySecurity;

  constructor(config: UserscopeConfig) {
    this.identity = identityConfigOf(config);
    this.keys = JwtKeySet.fromConfig(config);
    this.security = {
      name: 'jwt',
      scheme: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: `A JWT signed with ${this.keys.algorithms.join(', ')}; its \`${this.identity.claim}\` claim is the user id`,
      },
      namedBy: `the \`${this.identity.claim}\` claim of a bearer JWT`,
      verified: true,
    };
  }

  identify(request: IdentityRequest): string | undefined {
    return this.identifyWithClaims(request)?.userId;
  }

  identifyWithClaims(request: IdentityRequest): VerifiedIdentity | undefined {
    const authorization = request.headers.authorization;
    if (authorization === undefined) return undefined;
    const token = bearerToken(authorization);
    if (!token) throw this.invalid(IdentityMessages.notBearer());
    const header = readJoseHeader(token);
    if (!header) throw this.invalid(IdentityMessages.jwtMalformed());
    if (header.alg.toLowerCase() === 'none') throw this.invalid(IdentityMessages.jwtUnsigned());
    const key = this.keys.select(header.alg, header.kid);
    if (typeof key === 'string') throw this.invalid(key);
    let payload: unknown;
    try {
      payload = jwtLibrary().verify(token, key.key, {
        algorithms: key.algorithms,
        issuer: this.identity.jwt_issuer as string | [string, ...string[]] | undefined,
        audience: this.identity.jwt_audience as string | [string, ...string[]] | undefined,
        clockTolerance: this.identity.jwt_clock_skew,
        maxAge: this.identity.jwt_max_age,
      });
    } catch (error) {
      throw this.invalid(describeJwtError(error, this.identity.jwt_max_age));
    }
    if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw this.invalid(IdentityMessages.jwtNotObject());
    if (this.identity.jwt_require_exp && typeof (payload as { exp?: unknown }).exp !== 'number') throw this.invalid(IdentityMessages.jwtNoExpiry());
    const claim = this.identity.claim;
    const userId = Object.hasOwn(payload, claim) ? (payload as Record<string, unknown>)[claim] : undefined;
    if (userId === undefined || userId === null) throw this.invalid(IdentityMessages.jwtMissingClaim(claim));
    if (typeof userId !== 'string' || !SESSION_ID_PATTERN.test(userId)) {
      throw this.invalid(IdentityMessages.jwtBadClaim(claim, SESSION_ID_PATTERN.source));
    }
    return { userId, claims: payload as Record<string, unknown> };
  }

  missingIdentity(): MissingIdentityError {
    return new MissingIdentityError(IdentityMessages.missingBearer(this.identity.claim), { 'www-authenticate': 'Bearer' });
  }

  private invalid(reason: string): InvalidIdentityError {
    return new InvalidIdentityError(IdentityMessages.invalidBearer(reason), { 'www-authenticate': 'Bearer error="invalid_token"' });
  }
}

/** The token's JOSE header (`alg`, `kid`), undefined when it is not a three-part JWT with a JSON header. */
function readJoseHeader(token: string): { alg: string; kid?: string } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    if (!header || typeof header !== 'object') return undefined;
    const { alg, kid } = header as { alg?: unknown; kid?: unknown };
    if (typeof alg !== 'string') return undefined;
    return { alg, kid: typeof kid === 'string' ? kid : undefined };
  } catch {
    return undefined;
  }
}

/** A reason a caller can act on, for each way jsonwebtoken refuses a token. */
function describeJwtError(error: unknown, maxAge: number | undefined): string {
  const { JsonWebTokenError, NotBeforeError, TokenExpiredError } = jwtLibrary();
  if (error instanceof TokenExpiredError && error.message === 'maxAge exceeded') return IdentityMessages.jwtTooOld(maxAge!);
  if (error instanceof TokenExpiredError) return IdentityMessages.jwtExpired(error.expiredAt);
  if (error instanceof NotBeforeError) return IdentityMessages.jwtNotYetValid(error.date);
  const message = (error as Error)?.message ?? String(error);
  if (error instanceof JsonWebTokenError) {
    if (message === 'invalid signature') return IdentityMessages.jwtBadSignature();
    if (message.startsWith('jwt audience invalid')) return IdentityMessages.jwtWrongAudience();
    if (message.startsWith('jwt issuer invalid')) return IdentityMessages.jwtWrongIssuer();
    if (message === 'jwt signature is required') return IdentityMessages.jwtUnsigned();
    if (message === 'iat required when maxAge is specified') return IdentityMessages.jwtNoIssuedAt(maxAge!);
    if (['jwt malformed', 'invalid token'].includes(message) || message.startsWith('Unexpected token')) return IdentityMessages.jwtMalformed();
  }
  return IdentityMessages.jwtRefused(message);
}
