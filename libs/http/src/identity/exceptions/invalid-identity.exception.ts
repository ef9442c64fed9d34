import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';

/** A credential that failed verification (bad signature, expired token, unknown key, untrusted proxy): 401 with the reason. */
export class InvalidIdentityError extends UserscopeHttpError {
  constructor(message: string, headers: Record<string, string> = {}) {
    super(HttpStatus.UNAUTHORIZED, { code: 'invalid_identity', message }, headers);
  }
}
