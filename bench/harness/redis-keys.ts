import type Redis from 'ioredis';

/** Every key under `prefix` (a bench's own), in SCAN pages. */
async function* keysUnder(redis: Redis, prefix: string): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (found.length > 0) yield found;
    cursor = next;
  } while (cursor !== '0');
}

/** Deletes every key under `prefix` (a bench's own), in SCAN pages. */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of keysUnder(redis, prefix)) await redis.del(...keys);
}

export async function countKeys(redis: Redis, prefix: string): Promise<number> {
  let count = 0;
  for await (const keys of keysUnder(redis, prefix)) count += keys.length;
  return count;
}
