import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';

/** USERSCOPE_SECRETS_KEY is unset (secrets cannot be stored) or malformed. 503: the server's setup, not the caller's request. */
export class SecretsKeyError extends UserscopeHttpError {
  constructor(message: string) {
    super(HttpStatus.SERVICE_UNAVAILABLE, { code: 'secrets_key_unset', message });
    this.name = 'SecretsKeyError';
  }
}
