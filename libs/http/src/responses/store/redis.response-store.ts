import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { redactUrl } from '@userscope/runtime';
import { ResponseStoreUnavailableError } from '../exceptions/response-store-unavailable.exception';
import { ResponsesMessages } from '../responses.messages';
import { ResponseRetention, ResponseStore, StoredResponse } from './response-store.interface';

/** Where the store's Redis is: the batch store's (or the cluster's), under a prefix of its own. */
export interface ResponsesRedisOptions {
  url: string;
  /** The prefix of the Redis it shares; the store's keys go under `<keyPrefix>responses:`. */
  keyPrefix: string;
  commandTimeoutMs: number;
  /** The setting that names the Redis, for messages (`batch.redis_url`). */
  setting: string;
}

/**
 * Saves a response, drops the user's expired ones from their index, then their oldest beyond the
 * most they may have. KEYS: the response, the user's index (a sorted set by time).
 * ARGV: id, JSON, now (ms), ttl (ms), max per user, the prefix of the user's response keys.
 */
const SAVE_SCRIPT = `
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[4]))
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[5])
if excess > 0 then
  for _, old in ipairs(redis.call('ZRANGE', KEYS[2], 0, excess - 1)) do redis.call('DEL', ARGV[6] .. old) end
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1)
end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
`;

type ScriptedRedis = Redis & { saveResponse(record: string, index: string, ...args: (string | number)[]): Promise<unknown> };

/**
 * Stored responses in Redis, shared by every server on it and kept over restarts: one key a
 * response (expiring with the retention), and an index a user to bound how many they keep.
 */
export class RedisResponseStore implements ResponseStore {
  readonly name: string;
  private readonly prefix: string;
  private readonly logger = new Logger('Responses');

  private constructor(
    private readonly redis: ScriptedRedis,
    options: ResponsesRedisOptions,
    private readonly retention: ResponseRetention,
  ) {
    this.name = `Redis at ${redactUrl(options.url)} (${options.setting})`;
    this.prefix = `${options.keyPrefix}responses:`;
    let down = false;
    // Without a listener, ioredis prints "Unhandled error event" on every failed reconnect.
    redis.on('error', (error: Error) => {
      if (!down) this.logger.warn(ResponsesMessages.storeAway(this.name, error.message));
      down = true;
    });
    redis.on('ready', () => (down = false));
  }

  /** Connects and checks Redis answers; startup fails naming the setting otherwise. */
  static async connect(options: ResponsesRedisOptions, retention: ResponseRetention): Promise<RedisResponseStore> {
    const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, commandTimeout: options.commandTimeoutMs });
    redis.defineCommand('saveResponse', { numberOfKeys: 2, lua: SAVE_SCRIPT });
    const store = new RedisResponseStore(redis as ScriptedRedis, options, retention);
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw new Error(ResponsesMessages.storeDown(options.setting, redactUrl(options.url), (error as Error).message));
    }
    return store;
  }

  async save(userId: string, stored: StoredResponse): Promise<void> {
    const { ttlMs, maxPerUser } = this.retention;
    const id = stored.response.id;
    await this.call(() => this.redis.saveResponse(this.key(userId, id), this.indexKey(userId), id, JSON.stringify(stored), Date.now(), ttlMs, maxPerUser, this.key(userId, '')));
  }

  async get(userId: string, id: string): Promise<StoredResponse | undefined> {
    const json = await this.call(() => this.redis.get(this.key(userId, id)));
    return json === null ? undefined : (JSON.parse(json) as StoredResponse);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const [[, deleted]] = (await this.call(() => this.redis.multi().del(this.key(userId, id)).zrem(this.indexKey(userId), id).exec())) as [[unknown, number]];
    return deleted === 1;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private key(userId: string, id: string): string {
    return `${this.prefix}${userId}:r:${id}`;
  }

  private indexKey(userId: string): string {
    return `${this.prefix}${userId}:index`;
  }

  /** A command of a Redis that does not answer is the caller's 503, naming the store. */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw new ResponseStoreUnavailableError(this.name, (error as Error).message);
    }
  }
}
