import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ResponsesMessages } from '../responses.messages';

/**
 * A response id (or an item of one) the caller has no stored response for: never stored, expired,
 * deleted, or another user's — the same 404 each time, so that no user learns of another's.
 */
export class ResponseNotFoundError extends UserscopeHttpError {
  constructor(
    id: string,
    /** The request field that named it (`previous_response_id`), as OpenAI's error body says; null for the path. */
    readonly param: string | null = null,
  ) {
    super(HttpStatus.NOT_FOUND, { code: 'response_not_found', message: ResponsesMessages.responseNotFound(id) });
  }
}

/** An `item_reference` to no item of the caller's stored responses. */
export class ResponseItemNotFoundError extends UserscopeHttpError {
  constructor(
    id: string,
    readonly param: string,
  ) {
    super(HttpStatus.NOT_FOUND, { code: 'item_not_found', message: ResponsesMessages.itemNotFound(id) });
  }
}
