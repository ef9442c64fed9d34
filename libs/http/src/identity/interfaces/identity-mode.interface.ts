import type { SecuritySchemeObject } from '@nestjs/swagger';
import type { MissingIdentityError } from '../exceptions/missing-identity.exception';
import type { IncomingHttpHeaders } from 'node:http';

/** What identity reads of a request: its headers and the TCP peer (a FastifyRequest has both). */
export interface IdentityRequest {
  headers: IncomingHttpHeaders;
  socket?: { remoteAddress?: string };
}

/** A user id given to a caller that had none, and the Set-Cookie header that carries it. */
export interface IssuedIdentity {
  userId: string;
  setCookie: string;
}

/** How OpenAPI describes the credential: the scheme's name, the scheme, and a phrase for prose. */
export interface IdentitySecurity {
  name: string;
  scheme: SecuritySchemeObject;
  /** Completes "Each user, named by ...": "the `nat-session` cookie". */
  namedBy: string;
  /** Whether the credential is verified, so that a bad one is a 401 (`invalid_identity`). */
  verified: boolean;
}

/** A user id and the claims of the credential that verified it. */
export interface VerifiedIdentity {
  userId: string;
  claims: Record<string, unknown>;
}

/** One way of identifying callers (`general.identity.mode`), chosen at startup. */
export interface IdentityMode {
  /**
   * The user id `request` claims: undefined when it carries no credential of this mode; throws
   * InvalidIdentityError (401) when it carries one that fails verification. Synchronous, because a
   * ContextIdStrategy must be.
   */
  identify(request: IdentityRequest): string | undefined;

  /** As `identify`, with the verified claims of the credential, for a mode whose credential has claims (jwt). */
  identifyWithClaims?(request: IdentityRequest): VerifiedIdentity | undefined;

  /** A new identity for a caller without one, when this mode hands them out. */
  issue?(): IssuedIdentity | undefined;

  /** The 401 for a per-user route called without identity, saying what this mode expects. */
  missingIdentity(): MissingIdentityError;

  readonly security: IdentitySecurity;
}
