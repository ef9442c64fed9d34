import { toMilliseconds } from '@userscope/runtime';
import { STORE_CLOSE_TIMEOUT_MS } from '../batch.constants';
import { BatchSettings } from '../config/batch-settings.config';
import { BatchStore } from './batch-store.interface';
import { MemoryBatchStore } from './memory.batch-store';
import { RedisBatchStore } from './redis.batch-store';

/** The store `batch.store` names. */
export async function createBatchStore(settings: BatchSettings): Promise<BatchStore> {
  if (settings.store === 'memory') return new MemoryBatchStore();
  const commandTimeoutMs = toMilliseconds(settings.redis_command_timeout);
  return RedisBatchStore.connect(settings.redis_url, settings.key_prefix, { commandTimeoutMs, closeTimeoutMs: Math.min(commandTimeoutMs, STORE_CLOSE_TIMEOUT_MS) });
}
