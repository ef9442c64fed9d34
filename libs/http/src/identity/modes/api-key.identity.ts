import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { SESSION_ID_PATTERN, UserscopeConfig } from '@userscope/runtime';
import { InvalidIdentityError } from '../exceptions/invalid-identity.exception';
import { MissingIdentityError } from '../exceptions/missing-identity.exception';
import { identityConfigError, IdentityFile, readIdentityFile } from '../identity-file.reader';
import { IdentityMessages } from '../identity.messages';
import { IdentityMode, IdentityRequest, IdentitySecurity } from '../interfaces/identity-mode.interface';

/** The header that carries the key. */
export const API_KEY_HEADER = 'X-API-Key';
/** Shortest key accepted in a keys file. */
export const MIN_API_KEY_LENGTH = 16;

/**
 * `api_key`: `X-API-Key` names the user through a keys file (`api_keys_file`, YAML or JSON). Keys are
 * held as SHA-256 hashes and looked up by hash, so how long a lookup takes says nothing about the keys.
 */
export class ApiKeyIdentity implements IdentityMode {
  private readonly users: Map<string, string>;
  readonly security: IdentitySecurity = {
    name: 'api_key',
    scheme: { type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: "An API key from the server's keys file; it names the user" },
    namedBy: `their API key (\`${API_KEY_HEADER}\`)`,
    verified: true,
  };

  constructor(config: UserscopeConfig) {
    this.users = readKeysFile(config, readIdentityFile(config, 'api_keys_file'));
  }

  identify(request: IdentityRequest): string | undefined {
    const value = request.headers[API_KEY_HEADER.toLowerCase()];
    if (value === undefined) return undefined;
    const userId = typeof value === 'string' ? this.users.get(hashKey(value)) : undefined;
    if (userId === undefined) throw new InvalidIdentityError(IdentityMessages.unknownApiKey(API_KEY_HEADER));
    return userId;
  }

  missingIdentity(): MissingIdentityError {
    return new MissingIdentityError(IdentityMessages.missingApiKey(API_KEY_HEADER));
  }
}

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The keys file as hash of key → user id. Problems name the entry, never the key. */
function readKeysFile(config: UserscopeConfig, file: IdentityFile): Map<string, string> {
  let document: unknown;
  try {
    document = parseYaml(file.text);
  } catch (error) {
    throw identityConfigError(config, file.key, IdentityMessages.unreadableFile(file.path, (error as Error).message.split('\n')[0]));
  }
  let entries: { label: string; key: unknown; user: unknown }[];
  if (Array.isArray(document)) {
    entries = document.map((item, i) => ({ label: `entry ${i + 1}`, key: item?.key, user: item?.user }));
  } else if (document && typeof document === 'object') {
    entries = Object.entries(document).map(([key, user], i) => ({ label: `entry ${i + 1}`, key, user }));
  } else {
    throw identityConfigError(config, file.key, IdentityMessages.keysFileShape(file.path));
  }
  const users = new Map<string, string>();
  const problems: string[] = [];
  for (const { label, key, user } of entries) {
    const problem =
      typeof key !== 'string' || typeof user !== 'string'
        ? IdentityMessages.keysFileShape(file.path)
        : key.length < MIN_API_KEY_LENGTH
          ? IdentityMessages.apiKeyTooShort(MIN_API_KEY_LENGTH)
          : !SESSION_ID_PATTERN.test(user)
            ? IdentityMessages.apiKeyUser(SESSION_ID_PATTERN.source)
            : users.has(hashKey(key))
              ? IdentityMessages.apiKeyTwice()
              : undefined;
    if (problem) problems.push(IdentityMessages.keysFileEntry(file.path, label, problem));
    else users.set(hashKey(key as string), user as string);
  }
  if (problems.length > 0) throw identityConfigError(config, file.key, ...problems);
  if (users.size === 0) throw identityConfigError(config, file.key, IdentityMessages.keysFileEmpty(file.path));
  return users;
}
