import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { McpMessages } from '../mcp.messages';
import { SecretsKeyError } from '../exceptions/secrets-key.exception';

/** Where the key of per-user secrets comes from. */
export const SECRETS_KEY_ENV = 'USERSCOPE_SECRETS_KEY';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM over one secret value. The user id and the secret's name are its additional data, so a
 * stored value copied to another user or name does not decrypt.
 */
export class SecretCipher {
  private constructor(private readonly key: Buffer) {}

  /** The cipher of `USERSCOPE_SECRETS_KEY` (32 bytes, base64 or hex); undefined when unset. Throws when malformed. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): SecretCipher | undefined {
    const text = env[SECRETS_KEY_ENV]?.trim();
    if (!text) return undefined;
    const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
    if (key.length !== 32) throw new SecretsKeyError(McpMessages.secretsKeyInvalid(SECRETS_KEY_ENV));
    return new SecretCipher(key);
  }

  /** base64 of iv | tag | ciphertext. */
  encrypt(userId: string, name: string, value: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(additionalData(userId, name));
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  }

  decrypt(userId: string, name: string, stored: string): string {
    const bytes = Buffer.from(stored, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(additionalData(userId, name));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}

function additionalData(userId: string, name: string): Buffer {
  return Buffer.from(`${userId}\u0000${name}`, 'utf8');
}
