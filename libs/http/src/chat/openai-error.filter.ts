import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ErrorBody, FieldError, UserscopeHttpError } from '@userscope/runtime';
import { describeError } from '../error.filter';
import { IdentityResolver } from '../identity/identity.resolver';
import { ChatMessages } from './chat.messages';

/** OpenAI's error body: what OpenAI clients read (`error.message`, `error.param`); Userscope's code and details kept. */
export interface OpenAiErrorBody {
  message: string;
  type: string;
  /** The request field at fault (`messages[0].role`), or null. */
  param: string | null;
  code: string;
  details?: unknown;
}

const TYPES: Record<number, string> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
};

/**
 * `body` in OpenAI's shape. An input error's message is the reason, its field in `param` (OpenAI's
 * path style, `messages[0].role`): OpenAI clients print the message, not the details.
 */
export function openAiErrorBody(status: number, body: ErrorBody, param: string | null = null): OpenAiErrorBody {
  const type = TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
  const fields = body.code === 'invalid_input' && isFieldErrors(body.details) ? body.details : [];
  const message = fields.length > 0 ? fields.map((field) => ChatMessages.invalidField(openAiPath(field.field), field.errors)).join(' ') : body.message;
  return {
    message,
    type,
    param: fields.length > 0 ? openAiPath(fields[0].field) : param,
    code: body.code,
    ...(body.details === undefined ? {} : { details: body.details }),
  };
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
    const param = typeof (error as { param?: unknown })?.param === 'string' ? (error as { param: string }).param : null;
    void reply
      .status(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send({ error: openAiErrorBody(status, body, param) });
  }
}

function isFieldErrors(details: unknown): details is FieldError[] {
  return Array.isArray(details) && details.length > 0 && details.every((item) => typeof item?.field === 'string' && Array.isArray(item.errors));
}

/** `messages.0.role` as OpenAI writes it, `messages[0].role`; the body itself (`''`) as null's stand-in `body`. */
function openAiPath(field: string): string {
  if (!field) return 'body';
  return field.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}
