import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';

export const notFound = (message: string) => new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'not_found', message });
export const conflict = (message: string, details?: unknown) =>
  new UserscopeHttpError(HttpStatus.CONFLICT, { code: 'conflict', message, ...(details === undefined ? {} : { details }) });
export const badRequest = (message: string, details?: unknown) =>
  new UserscopeHttpError(HttpStatus.BAD_REQUEST, { code: 'bad_request', message, ...(details === undefined ? {} : { details }) });
export const tooManyRequests = (message: string) => new UserscopeHttpError(HttpStatus.TOO_MANY_REQUESTS, { code: 'too_many_requests', message });
