import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';

/** The codes a refused request body gets; stable, so clients can branch on them. */
export type RequestBodyErrorCode =
  | 'invalid_json'
  | 'json_too_deep'
  | 'forbidden_key'
  | 'invalid_utf8'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'bad_request';

/** A request body refused before any route sees it (not JSON, too deep, not UTF-8, too large, ...). */
export class InvalidRequestBodyError extends UserscopeHttpError {
  constructor(status: HttpStatus, code: RequestBodyErrorCode, message: string) {
    super(status, { code, message });
  }
}
