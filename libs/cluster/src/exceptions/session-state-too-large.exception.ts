import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { SessionStateMessages } from '../state/session-state.messages';

/**
 * A function's saved state is over `general.session_state_max_bytes`: refused before anything is
 * written (507, `session_state_too_large`).
 */
export class SessionStateTooLargeError extends UserscopeHttpError {
  constructor(
    readonly userId: string,
    readonly key: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(HttpStatus.INSUFFICIENT_STORAGE, {
      code: 'session_state_too_large',
      message: SessionStateMessages.stateTooLarge(userId, key, bytes, limit),
      details: { bytes, limit },
    });
  }
}
