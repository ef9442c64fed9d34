import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { UserscopeConfig } from '@userscope/runtime';
import { IdentityConfig } from '../identity.config';
import { InvalidIdentityError } from '../exceptions/invalid-identity.exception';
import { MissingIdentityError } from '../exceptions/missing-identity.exception';
import { identityConfigOf } from '../identity-config.section';
import { formatSetCookie, readCookie } from '../cookie.header';
import { IdentityMessages } from '../identity.messages';
import { IdentityMode, IdentityRequest, IdentitySecurity, IssuedIdentity } from '../interfaces/identity-mode.interface';

/** An HMAC-SHA256 in base64url: 43 characters. */
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/**
 * `signed_cookie`: the cookie is `<user id>.<signature>`, the signature an HMAC-SHA256 of the user id
 * with `general.identity.secret`, so only the server can name users. With `issue_cookies`, a caller
 * without the cookie is given a new random user id.
 */
export class SignedCookieIdentity implements IdentityMode {
  private readonly identity: IdentityConfig;
  private readonly key: Buffer;
  readonly security: IdentitySecurity;

  constructor(config: UserscopeConfig) {
    this.identity = identityConfigOf(config);
    this.key = Buffer.from(this.identity.secret!, 'utf8');
    const cookie = this.identity.cookie_name;
    this.security = {
      name: cookie,
      scheme: {
        type: 'apiKey',
        in: 'cookie',
        name: cookie,
        description:
          `The signed user id, \`<user id>.<HMAC-SHA256 signature>\`` +
          (this.identity.issue_cookies ? '; a caller without it is given one (Set-Cookie)' : ''),
      },
      namedBy: `the signed \`${cookie}\` cookie`,
      verified: true,
    };
  }

  identify(request: IdentityRequest): string | undefined {
    const value = readCookie(request.headers.cookie, this.identity.cookie_name);
    if (value === undefined) return undefined;
    const dot = value.lastIndexOf('.');
    const signature = value.slice(dot + 1);
    if (dot <= 0 || !SIGNATURE.test(signature)) throw this.invalid(IdentityMessages.cookieUnsigned());
    const userId = value.slice(0, dot);
    if (!timingSafeEqual(Buffer.from(signature, 'base64url'), this.sign(userId))) {
      throw this.invalid(IdentityMessages.cookieBadSignature());
    }
    return userId;
  }

  issue(): IssuedIdentity | undefined {
    if (!this.identity.issue_cookies) return undefined;
    const userId = randomUUID();
    return { userId, setCookie: this.setCookie(`${userId}.${this.sign(userId).toString('base64url')}`, this.identity.cookie_max_age) };
  }

  missingIdentity(): MissingIdentityError {
    return new MissingIdentityError(IdentityMessages.missingSignedCookie(this.identity.cookie_name));
  }

  /** Signs `userId`; for tests and for services that hand out cookies themselves. */
  sign(userId: string): Buffer {
    return createHmac('sha256', this.key).update(userId, 'utf8').digest();
  }

  private setCookie(value: string, maxAge: number | undefined): string {
    return formatSetCookie(this.identity.cookie_name, value, { secure: this.identity.secure_cookies, maxAge });
  }

  private invalid(reason: string): InvalidIdentityError {
    const issuing = this.identity.issue_cookies;
    // A cookie the server would not accept is deleted, so that the next request is given a fresh one.
    const headers: Record<string, string> = issuing ? { 'set-cookie': this.setCookie('', 0) } : {};
    return new InvalidIdentityError(IdentityMessages.invalidSignedCookie(this.identity.cookie_name, reason, issuing), headers);
  }
}
