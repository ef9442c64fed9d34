import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { redactUrl } from '@userscope/runtime';

/** The one Redis connection of cluster mode: leases, the directory and saved state share it. */
export const CLUSTER_REDIS = Symbol.for('userscope:cluster-redis');

/** `redis://user:secret@host:6379/0` as `redis://host:6379/0`: URLs reach logs and errors without their password. */
export const redactRedisUrl = redactUrl;

/**
 * Connects to the cluster's Redis and checks it answers; startup fails with the URL (without its
 * password) otherwise. Commands time out instead of hanging while Redis is unreachable.
 */
export async function connectClusterRedis(url: string, commandTimeoutMs: number): Promise<Redis> {
  const logger = new Logger('Cluster');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, commandTimeout: commandTimeoutMs });
  let down = false;
  // Without a listener, ioredis prints "Unhandled error event" on every failed reconnect.
  redis.on('error', (error: Error) => {
    if (!down) logger.warn(`The cluster's Redis at ${redactRedisUrl(url)} does not answer (${error.message})`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.log(`The cluster's Redis at ${redactRedisUrl(url)} answers again`);
    down = false;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new Error(`general.cluster.redis_url: Redis at ${redactRedisUrl(url)} does not answer: ${(error as Error).message}`);
  }
  return redis;
}
