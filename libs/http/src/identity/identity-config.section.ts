import { classConfigSection, configSection, UserscopeConfig } from '@userscope/runtime';
import { IdentityConfig } from './identity.config';

/** `general.identity`: how callers are identified, checked with the rest of the config file. */
export const IDENTITY_CONFIG_SECTION = classConfigSection('general.identity', IdentityConfig);

/** The identity settings of a loaded config. */
export function identityConfigOf(config: UserscopeConfig): IdentityConfig {
  return configSection(config, IDENTITY_CONFIG_SECTION);
}
