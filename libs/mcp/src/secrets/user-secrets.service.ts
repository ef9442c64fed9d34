import { HttpStatus, Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { configSection, USERSCOPE_CONFIG, UserscopeConfig, UserscopeHttpError } from '@userscope/runtime';
import { SECRETS_CONFIG_SECTION, SecretsConfig } from '../config/secrets-config.section';
import { McpMessages } from '../mcp.messages';
import { SecretsKeyError } from '../exceptions/secrets-key.exception';
import { MCP_MODULE_OPTIONS, SECRET_RECORDS } from '../mcp.constants';
import { SECRETS_KEY_ENV, SecretCipher } from './secret.cipher';
import { SecretRecords } from './secret-records';

/** A secret as listed: its name and when it was set, never its value. */
export interface SecretListing {
  name: string;
  updated_at: string;
}

/**
 * Each user's secrets (an MCP server's token, say), for `{{secret:name}}` in headers. Values are
 * encrypted before they are stored and decrypted only to build a header; nothing here returns or
 * logs one except `reveal()`, which only the MCP client calls.
 */
@Injectable()
export class UserSecrets implements OnApplicationShutdown {
  private readonly cipher: SecretCipher | undefined;
  /** `general.secrets`: how many a user may have, and how long each may be. */
  readonly limits: SecretsConfig;

  constructor(
    @Inject(SECRET_RECORDS) private readonly records: SecretRecords,
    @Inject(MCP_MODULE_OPTIONS) options: { env?: NodeJS.ProcessEnv },
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
  ) {
    this.cipher = SecretCipher.fromEnv(options.env);
    this.limits = configSection(config, SECRETS_CONFIG_SECTION);
  }

  get configured(): boolean {
    return this.cipher !== undefined;
  }

  /** Sets `userId`'s secret `name`; a new name past `max_per_user` is a 400 `secret_limit`. */
  async set(userId: string, name: string, value: string): Promise<SecretListing> {
    const cipher = this.keyed();
    const held = await this.records.all(userId);
    // Counted, then written: two PUTs of new names at once may both pass; the limit bounds memory, it is no quota.
    if (!held.has(name) && held.size >= this.limits.max_per_user) {
      throw new UserscopeHttpError(HttpStatus.BAD_REQUEST, { code: 'secret_limit', message: McpMessages.secretLimit(userId, this.limits.max_per_user) });
    }
    const updated_at = new Date().toISOString();
    await this.records.put(userId, name, { sealed: cipher.encrypt(userId, name, value), updated_at });
    return { name, updated_at };
  }

  async list(userId: string): Promise<SecretListing[]> {
    const all = await this.records.all(userId);
    return [...all].map(([name, record]) => ({ name, updated_at: record.updated_at })).sort((a, b) => a.name.localeCompare(b.name));
  }

  delete(userId: string, name: string): Promise<boolean> {
    return this.records.delete(userId, name);
  }

  /** Deletes every secret of `userId` (the user is deleted). */
  deleteAll(userId: string): Promise<number> {
    return this.records.deleteAll(userId);
  }

  /** The plaintext of `userId`'s secret `name`, for a header; undefined when unset. */
  async reveal(userId: string, name: string): Promise<string | undefined> {
    const record = await this.records.get(userId, name);
    if (!record) return undefined;
    const cipher = this.keyed();
    try {
      return cipher.decrypt(userId, name, record.sealed);
    } catch {
      // GCM's own "unable to authenticate data" says nothing of the likely cause: another key.
      throw new Error(McpMessages.secretUndecryptable(userId, name, SECRETS_KEY_ENV));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.records.close?.();
  }

  private keyed(): SecretCipher {
    if (!this.cipher) throw new SecretsKeyError(McpMessages.secretsKeyUnset(SECRETS_KEY_ENV));
    return this.cipher;
  }
}
