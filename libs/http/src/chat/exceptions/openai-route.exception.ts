import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ChatMessages } from '../chat.messages';

/** A `/v1` path that no route serves. */
export class OpenAiRouteNotFoundError extends UserscopeHttpError {
  constructor(method: string, path: string) {
    super(HttpStatus.NOT_FOUND, { code: 'not_found', message: ChatMessages.noOpenAiRoute(method, path) });
  }
}

/** A `/v1` path asked with a method it is not served with; `Allow` lists those it is. */
export class OpenAiMethodNotAllowedError extends UserscopeHttpError {
  constructor(method: string, path: string, allowed: string[]) {
    super(HttpStatus.METHOD_NOT_ALLOWED, { code: 'method_not_allowed', message: ChatMessages.methodNotAllowed(method, path, allowed) }, { allow: allowed.join(', ') });
  }
}
