import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ResponsesMessages } from '../responses.messages';

/** Seconds a client is told to wait: about as long as a Redis restart takes. */
const RETRY_AFTER_SECONDS = 5;

/** The store of responses did not answer: 503, naming it. */
export class ResponseStoreUnavailableError extends UserscopeHttpError {
  constructor(store: string, reason: string) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'response_store_unavailable', message: ResponsesMessages.storeUnavailable(store, reason), details: { store } },
      { 'retry-after': String(RETRY_AFTER_SECONDS) },
    );
  }
}
