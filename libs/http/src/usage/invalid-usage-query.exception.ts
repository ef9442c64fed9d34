import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';

/** A usage query the API cannot answer as asked: 400 `invalid_usage_query`, naming the parameter. */
export class InvalidUsageQueryError extends UserscopeHttpError {
  constructor(parameter: string, message: string) {
    super(HttpStatus.BAD_REQUEST, { code: 'invalid_usage_query', message, details: { parameter } });
  }
}
