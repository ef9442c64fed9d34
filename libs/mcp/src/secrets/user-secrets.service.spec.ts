import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { UserscopeConfig } from '@userscope/runtime';
import { SecretsConfig } from '../config/secrets-config.section';
import { SECRETS_KEY_ENV } from './secret.cipher';
import { MemorySecretRecords } from './secret-records';
import { UserSecrets } from './user-secrets.service';

const config = { sections: new Map([['general.secrets', new SecretsConfig()]]) } as unknown as UserscopeConfig;
const secretsUnder = (records: MemorySecretRecords, key: Buffer) => new UserSecrets(records, { env: { [SECRETS_KEY_ENV]: key.toString('base64') } }, config);

describe('UserSecrets', () => {
  it('reveals what it set; under another key, says the key changed rather than GCM failed', async () => {
    const records = new MemorySecretRecords();
    await secretsUnder(records, randomBytes(32)).set('alice', 'token', 'alice-secret');
    await expect(secretsUnder(records, randomBytes(32)).reveal('alice', 'token')).rejects.toThrow(
      `user 'alice''s secret 'token' does not decrypt under the current ${SECRETS_KEY_ENV} (was the key changed?): set the secret again`,
    );
    expect(await secretsUnder(records, randomBytes(32)).reveal('alice', 'other')).toBeUndefined();
  });

  it('reveals the value it set under the same key', async () => {
    const key = randomBytes(32);
    const secrets = secretsUnder(new MemorySecretRecords(), key);
    await secrets.set('bob', 'token', 'bob-secret');
    expect(await secrets.reveal('bob', 'token')).toBe('bob-secret');
  });
});
