import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';

/** A per-user route called without identity: 401, the message says what the active identity mode expects. */
export class MissingIdentityError extends UserscopeHttpError {
  constructor(message: string, headers: Record<string, string> = {}) {
    super(HttpStatus.UNAUTHORIZED, { code: 'missing_identity', message }, headers);
  }
}
