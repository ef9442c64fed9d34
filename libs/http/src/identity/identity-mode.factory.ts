import { UserscopeConfig } from '@userscope/runtime';
import { IdentityModeName } from './identity.config';
import { identityConfigOf } from './identity-config.section';
import { IdentityMode } from './interfaces/identity-mode.interface';
import { ApiKeyIdentity } from './modes/api-key.identity';
import { CookieIdentity } from './modes/cookie.identity';
import { HeaderIdentity } from './modes/header.identity';
import { JwtIdentity } from './modes/jwt.identity';
import { SignedCookieIdentity } from './modes/signed-cookie.identity';

const MODES: Record<IdentityModeName, new (config: UserscopeConfig) => IdentityMode> = {
  cookie: CookieIdentity,
  signed_cookie: SignedCookieIdentity,
  jwt: JwtIdentity,
  header: HeaderIdentity,
  api_key: ApiKeyIdentity,
};

/** The identity mode `general.identity.mode` selects, its key files read. Throws ConfigError for unusable ones. */
export function createIdentityMode(config: UserscopeConfig): IdentityMode {
  return new MODES[identityConfigOf(config).mode](config);
}
