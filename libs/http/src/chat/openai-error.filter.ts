import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ErrorBody, UserscopeHttpError } from '@userscope/runtime';
import { describeError } from '../error.filter';
import { IdentityResolver } from '../identity/identity.resolver';

/** OpenAI's error body: what OpenAI clients read (`error.message`); Userscope's code and details kept. */
export interface OpenAiErrorBody {
  message: string;
  type: string;
  param: null;
  code: string;
  details?: unknown;
}

const TYPES: Record<number, string> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
};

export function openAiErrorBody(status: number, body: ErrorBody): OpenAiErrorBody {
  const type = TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  return { message: body.message, type, param: null, code: body.code, ...(body.details === undefined ? {} : { details: body.details }) };
}

/**
 * Errors of `/v1/*` as OpenAI answers them, `{"error": {"message", "type", "param", "code"}}`, so
 * that an OpenAI client shows the message. Same statuses and codes as everywhere else.
 */
@Catch()
@Injectable()
export class OpenAiErrorFilter implements ExceptionFilter {
  constructor(private readonly identity: IdentityResolver) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.identity.asHttpError(exception);
    const { status, body } = describeError(error);
    if (error instanceof UserscopeHttpError) void reply.headers(error.headers);
    void reply
      .status(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: openAiErrorBody(status, body) });
  }
}
