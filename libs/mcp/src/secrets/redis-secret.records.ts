import Redis from 'ioredis';
import { SecretStoreUnavailableError } from '../exceptions/secret-store-unavailable.exception';
import { SecretRecords, StoredSecret } from './secret-records';

/** Where the secrets' Redis is, and the app's key prefix there. */
export interface SecretRedisOptions {
  url: string;
  keyPrefix: string;
  commandTimeoutMs: number;
}

/** Sealed secrets in Redis, one hash per user (`<prefix>secrets:<user>`), shared by every process of the app. */
export class RedisSecretRecords implements SecretRecords {
  private readonly redis: Redis;

  constructor(private readonly options: SecretRedisOptions) {
    this.redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: options.commandTimeoutMs, enableOfflineQueue: true });
    this.redis.on('error', () => undefined); // each command reports its own failure
  }

  /** The key of `userId`'s secrets. */
  keyOf(userId: string): string {
    return `${this.options.keyPrefix}secrets:${userId}`;
  }

  put(userId: string, name: string, record: StoredSecret): Promise<void> {
    return this.command(async () => void (await this.redis.hset(this.keyOf(userId), name, JSON.stringify(record))));
  }

  get(userId: string, name: string): Promise<StoredSecret | undefined> {
    return this.command(async () => {
      const text = await this.redis.hget(this.keyOf(userId), name);
      return text === null ? undefined : (JSON.parse(text) as StoredSecret);
    });
  }

  all(userId: string): Promise<Map<string, StoredSecret>> {
    return this.command(async () => {
      const entries = await this.redis.hgetall(this.keyOf(userId));
      return new Map(Object.entries(entries).map(([name, text]) => [name, JSON.parse(text) as StoredSecret]));
    });
  }

  delete(userId: string, name: string): Promise<boolean> {
    return this.command(async () => (await this.redis.hdel(this.keyOf(userId), name)) > 0);
  }

  deleteAll(userId: string): Promise<number> {
    return this.command(async () => {
      const count = await this.redis.hlen(this.keyOf(userId));
      await this.redis.del(this.keyOf(userId));
      return count;
    });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private async command<T>(work: () => Promise<T>): Promise<T> {
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      return await work();
    } catch (error) {
      throw new SecretStoreUnavailableError((error as Error).message);
    }
  }
}
