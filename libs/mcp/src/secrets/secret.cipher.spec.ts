import { randomBytes } from 'node:crypto';
import { SecretsKeyError } from '../exceptions/secrets-key.exception';
import { SECRETS_KEY_ENV, SecretCipher } from './secret.cipher';

describe('SecretCipher', () => {
  const key = randomBytes(32);
  const cipher = SecretCipher.fromEnv({ [SECRETS_KEY_ENV]: key.toString('base64') })!;

  it('seals a value so that only the same user and name open it', () => {
    const sealed = cipher.encrypt('alice', 'token', 'alice-secret');
    expect(sealed).not.toContain('alice-secret');
    expect(Buffer.from(sealed, 'base64').toString('utf8')).not.toContain('alice-secret');
    expect(cipher.decrypt('alice', 'token', sealed)).toBe('alice-secret');
    expect(() => cipher.decrypt('bob', 'token', sealed)).toThrow();
    expect(() => cipher.decrypt('alice', 'other', sealed)).toThrow();
  });

  it('seals the same value differently each time (a fresh IV)', () => {
    expect(cipher.encrypt('alice', 'token', 'v')).not.toBe(cipher.encrypt('alice', 'token', 'v'));
  });

  it('takes the key as base64 or hex, none when unset, and refuses one that is not 32 bytes', () => {
    expect(SecretCipher.fromEnv({ [SECRETS_KEY_ENV]: key.toString('hex') })!.decrypt('a', 'n', cipher.encrypt('a', 'n', 'x'))).toBe('x');
    expect(SecretCipher.fromEnv({})).toBeUndefined();
    expect(() => SecretCipher.fromEnv({ [SECRETS_KEY_ENV]: randomBytes(16).toString('base64') })).toThrow(SecretsKeyError);
  });
});
