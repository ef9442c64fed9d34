import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { redactUrl } from '@userscope/runtime';
import { LlmRateLimitRedisOptions } from '../interfaces/llm-module-options.interface';
import { LlmMessages } from '../llm.messages';
import { defineRateWindowScripts } from './redis.rate-window';

/** How the limits' Redis is named in messages: where it is, and which setting says so. */
export function rateLimitStoreName({ url, setting }: LlmRateLimitRedisOptions): string {
  return `Redis at ${redactUrl(url)} (${setting})`;
}

/**
 * A connection to the same Redis for state read on demand (usage records, budgets, users' limits):
 * it connects on first use, its commands time out like the limits', and each user of it reports
 * its own failures (a 503 naming the store, or records kept waiting), so its errors are not logged here.
 */
export function lazySharedRedis(options: LlmRateLimitRedisOptions, maxRetriesPerRequest: number): Redis {
  const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest, commandTimeout: options.commandTimeoutMs });
  redis.on('error', () => undefined);
  return redis;
}

/**
 * The connection the rate limits of `llms` share, checked at startup: a Redis that does not answer
 * stops the start, naming the setting. Commands time out rather than hang while it is away.
 */
export async function connectRateLimitRedis(options: LlmRateLimitRedisOptions, llms: string[]): Promise<Redis> {
  const logger = new Logger('LLMs');
  const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, commandTimeout: options.commandTimeoutMs });
  // Without a listener, ioredis prints "Unhandled error event" on every failed reconnect; the calls say the rest.
  let warned = false;
  redis.on('error', (error: Error) => {
    if (!warned) logger.warn(LlmMessages.rateStoreAway(rateLimitStoreName(options), error.message));
    warned = true;
  });
  redis.on('ready', () => (warned = false));
  defineRateWindowScripts(redis);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(LlmMessages.rateStoreDown(options.setting, redactUrl(options.url), llms, (error as Error).message));
  }
  return redis;
}
