import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { openAiErrorBody } from '../chat/openai-error.filter';
import { ErrorReply, errorReply } from '../error.filter';
import { FastifyErrorContext, fromFastifyError } from './fastify-error.mapper';

/**
 * Fastify's error handler for Userscope's routes: what fails before a controller runs (parsing the
 * body, the body rules) answers in Userscope's error shape, `/v1/*` in OpenAI's, whichever filters
 * the host app has. Errors in controllers never get here: Nest's filters answer them.
 */
export function userscopeRouteErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, headers, body } = describeRouteError(error, request);
  if (headers) void reply.headers(headers);
  const openAi = request.routeOptions.url?.startsWith('/v1/') ?? false;
  void reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(openAi ? { error: openAiErrorBody(status, body) } : body);
}

/** `error` as Userscope's routes answer it before their controller runs (Fastify's refusals in Userscope's words). */
export function describeRouteError(error: unknown, request: FastifyErrorContext): ErrorReply {
  return errorReply(fromFastifyError(error, request));
}
