import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';

/** `/me/usage` in an identity mode that does not verify the caller (plain cookie, header): 403. */
export class UsageForbiddenError extends UserscopeHttpError {
  constructor() {
    super(HttpStatus.FORBIDDEN, {
      code: 'identity_not_verified',
      message: "GET /me/usage needs an identity mode that verifies the caller (signed_cookie, jwt or api_key): in this mode anyone could read anyone's usage. Operators use GET /api/usage?user_id=.",
    });
  }
}
