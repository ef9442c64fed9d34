import { MemoryResponseStore } from './memory.response-store';
import { RedisResponseStore, ResponsesRedisOptions } from './redis.response-store';
import { ResponseRetention, ResponseStore } from './response-store.interface';

/** Redis where the app has one to share (the batch store's, or the cluster's); this process's memory otherwise. */
export function createResponseStore(retention: ResponseRetention, redis?: ResponsesRedisOptions): Promise<ResponseStore> {
  return redis ? RedisResponseStore.connect(redis, retention) : Promise.resolve(new MemoryResponseStore(retention));
}
