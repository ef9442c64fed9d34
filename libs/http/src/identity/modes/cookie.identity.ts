import { UserscopeConfig } from '@userscope/runtime';
import { MissingIdentityError } from '../exceptions/missing-identity.exception';
import { identityConfigOf } from '../identity-config.section';
import { readCookie } from '../cookie.header';
import { IdentityMessages } from '../identity.messages';
import { IdentityMode, IdentityRequest, IdentitySecurity } from '../interfaces/identity-mode.interface';

/**
 * `cookie`, NAT's behaviour and the default: the cookie's raw value is the user id. Nothing is
 * verified, so anyone can be anyone: for trusted networks and development.
 */
export class CookieIdentity implements IdentityMode {
  private readonly cookieName: string;
  readonly security: IdentitySecurity;

  constructor(config: UserscopeConfig) {
    this.cookieName = identityConfigOf(config).cookie_name;
    this.security = {
      name: this.cookieName,
      scheme: { type: 'apiKey', in: 'cookie', name: this.cookieName, description: `The user id: \`Cookie: ${this.cookieName}=alice\`` },
      namedBy: `the \`${this.cookieName}\` cookie`,
      verified: false,
    };
  }

  identify(request: IdentityRequest): string | undefined {
    return readCookie(request.headers.cookie, this.cookieName);
  }

  missingIdentity(): MissingIdentityError {
    return new MissingIdentityError(IdentityMessages.missingCookie(this.cookieName));
  }
}
