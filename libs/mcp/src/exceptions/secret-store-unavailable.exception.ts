import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { McpMessages } from '../mcp.messages';

/** The Redis that holds the secrets did not answer. */
export class SecretStoreUnavailableError extends UserscopeHttpError {
  constructor(reason: string) {
    super(HttpStatus.SERVICE_UNAVAILABLE, { code: 'secret_store_unavailable', message: McpMessages.secretStoreUnavailable(reason) });
    this.name = 'SecretStoreUnavailableError';
  }
}
