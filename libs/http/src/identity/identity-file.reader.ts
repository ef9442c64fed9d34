import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError, UserscopeConfig } from '@userscope/runtime';
import { IdentityConfig } from './identity.config';
import { identityConfigOf } from './identity-config.section';
import { IdentityMessages } from './identity.messages';

/** A key or keys file named by `general.identity.<key>`: its path, resolved from the config file's folder, and text. */
export interface IdentityFile {
  key: keyof IdentityConfig & string;
  path: string;
  text: string;
}

/** Reads the file `general.identity.<key>` names. A file that cannot be read is a ConfigError naming it. */
export function readIdentityFile(config: UserscopeConfig, key: IdentityFile['key']): IdentityFile {
  const path = resolve(dirname(resolve(config.file)), String(identityConfigOf(config)[key]));
  try {
    return { key, path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw identityConfigError(config, key, IdentityMessages.unreadableFile(path, reason));
  }
}

/** A problem with `general.identity.<key>` found at startup, reported as config issues are. */
export function identityConfigError(config: UserscopeConfig, key: string, ...messages: string[]): ConfigError {
  return new ConfigError(config.file, messages.map((message) => ({ path: `general.identity.${key}`, message })));
}
