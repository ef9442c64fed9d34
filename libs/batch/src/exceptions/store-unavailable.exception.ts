import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { BatchMessages } from '../batch.messages';

/** Seconds a client is told to wait before asking again: about as long as a store restart or failover takes. */
export const STORE_RETRY_AFTER_SECONDS = 5;

/** The batch store did not answer (down, unreachable, or too slow): 503, try again later. */
export class StoreUnavailableError extends UserscopeHttpError {
  constructor(readonly store: string, reason: string) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'store_unavailable', message: BatchMessages.storeUnavailable(store, reason), details: { store } },
      { 'retry-after': String(STORE_RETRY_AFTER_SECONDS) },
    );
  }
}
