import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ErrorBody, UserscopeHttpError } from '@userscope/runtime';
import { HttpMessages } from './http.messages';
import { IdentityResolver } from './identity/identity.resolver';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'unavailable',
};

/** Every error leaves as JSON `{code, message, details?}`; an unexpected one is logged and hidden. */
@Catch()
@Injectable()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly identity: IdentityResolver) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    sendError(host.switchToHttp().getResponse<FastifyReply>(), this.identity.asHttpError(exception));
  }
}

/** How an error is answered: its status, its own headers (a 429's `retry-after`), and the JSON body. */
export interface ErrorReply {
  status: number;
  headers: Record<string, string> | undefined;
  body: ErrorBody;
}

/** Answers `error` on `reply` as ErrorFilter does: its status, its headers, `{code, message, details?}`. */
export function sendError(reply: FastifyReply, error: unknown): void {
  const { status, headers, body } = errorReply(error);
  if (headers) void reply.headers(headers);
  void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
}

/** `describeError`, with the headers the error carries. */
export function errorReply(error: unknown): ErrorReply {
  const { status, body } = describeError(error);
  return { status, headers: error instanceof UserscopeHttpError ? error.headers : undefined, body };
}

const logger = new Logger('Errors');

/**
 * The status and JSON body `exception` is answered with. Also used for errors that happen after a
 * reply has started (an event stream), so there is one mapping. Unexpected errors are logged here.
 */
export function describeError(exception: unknown): { status: number; body: ErrorBody } {
  if (exception instanceof UserscopeHttpError) return { status: exception.getStatus(), body: exception.body };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
    return { status, body: { code: CODES[status] ?? 'error', message } };
  }
  // Fastify's own errors (those `fromFastifyError` does not map) carry a 4xx statusCode and a message for the client.
  const fastifyError = exception as { statusCode?: number; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    return { status, body: { code: CODES[status] ?? 'bad_request', message: fastifyError.message ?? 'Bad request' } };
  }
  logger.error(exception instanceof Error ? exception.stack : String(exception));
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { code: 'internal_error', message: HttpMessages.internal() } };
}
