import { Inject, Injectable } from '@nestjs/common';
import { IdentityRequiredError, InvalidSessionIdError, SESSION_ID_PATTERN, USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { MissingIdentityError } from './exceptions/missing-identity.exception';
import type { FastifyReply } from 'fastify';
import { createIdentityMode } from './identity-mode.factory';
import { IdentityMode, IdentityRequest, IdentitySecurity, VerifiedIdentity } from './interfaces/identity-mode.interface';
import { VerifiedClaims } from './verified-claims';

export { readCookie } from './cookie.header';
export type { IdentityRequest, IdentitySecurity } from './interfaces/identity-mode.interface';

/**
 * The one place that turns a request into a user id. Every route uses it. How is up to
 * `general.identity.mode` (cookie, signed_cookie, jwt, header, api_key), chosen at startup.
 */
@Injectable()
export class IdentityResolver {
  private readonly mode: IdentityMode;
  /** The verified claims of each user's last credential (jwt mode), recorded where it was verified. */
  readonly claims: VerifiedClaims;
  /**
   * A request's verified credential, by its headers object: one request is resolved more than once
   * (cluster mode's routing, then its route; the session strategy), and a signature check is the
   * costly part. Fastify's request and the raw one share the headers object.
   */
  private readonly verifiedByHeaders = new WeakMap<object, VerifiedIdentity | undefined>();

  constructor(@Inject(USERSCOPE_CONFIG) config: UserscopeConfig) {
    this.mode = createIdentityMode(config);
    this.claims = new VerifiedClaims(config.general.max_sessions);
  }

  /**
   * The caller's user id, undefined when the request carries none. A credential that fails
   * verification is a 401 (`invalid_identity`), a malformed user id a 400 (`invalid_session_id`).
   * Given the `reply`, a mode that hands out identities (signed_cookie with issue_cookies) gives a
   * caller without one a new user id, sent as a cookie; without it, nothing is ever issued.
   */
  resolve(request: IdentityRequest, reply?: Pick<FastifyReply, 'raw'>): string | undefined {
    const verified = this.mode.identifyWithClaims ? this.verifiedOnce(request) : undefined;
    let userId = this.mode.identifyWithClaims ? verified?.userId : this.mode.identify(request);
    if (userId === undefined && reply && this.mode.issue) {
      const issued = this.mode.issue();
      if (issued) {
        // On the raw response, so that the cookie also goes out on a hijacked reply (an event stream).
        reply.raw.appendHeader('set-cookie', issued.setCookie);
        userId = issued.userId;
      }
    }
    if (userId !== undefined && !SESSION_ID_PATTERN.test(userId)) throw new InvalidSessionIdError(SESSION_ID_PATTERN.source);
    if (verified) this.claims.record(verified.userId, verified.claims);
    return userId;
  }

  private verifiedOnce(request: IdentityRequest): VerifiedIdentity | undefined {
    const headers = request.headers as object;
    if (this.verifiedByHeaders.has(headers)) return this.verifiedByHeaders.get(headers);
    const verified = this.mode.identifyWithClaims!(request); // a refusal throws, and is not kept
    this.verifiedByHeaders.set(headers, verified);
    return verified;
  }

  /** The 401 for a per-user route called without identity, saying what the active mode expects. */
  missingIdentity(): MissingIdentityError {
    return this.mode.missingIdentity();
  }

  /** `error` as HTTP answers it: the runtime's IdentityRequiredError is this mode's 401; the rest as it is. */
  asHttpError(error: unknown): unknown {
    return error instanceof IdentityRequiredError ? this.mode.missingIdentity() : error;
  }

  /** How OpenAPI describes the active mode's credential. */
  get security(): IdentitySecurity {
    return this.mode.security;
  }
}
