import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { SessionStateMessages } from '../state/session-state.messages';

/** The Redis that keeps users' saved states did not answer: 503 `state_store_unavailable`, retry shortly. */
export class StateStoreUnavailableError extends UserscopeHttpError {
  constructor(redisUrl: string, action: string, cause: string) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'state_store_unavailable', message: SessionStateMessages.storeUnavailable(redisUrl, action, cause) },
      { 'retry-after': '2' },
    );
  }
}
