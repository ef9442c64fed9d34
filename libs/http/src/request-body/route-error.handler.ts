import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { UserscopeHttpError } from '@userscope/runtime';
import { openAiErrorBody } from '../chat/openai-error.filter';
import { describeError } from '../error.filter';
import { fromFastifyError } from './fastify-error.mapper';

/**
 * Fastify's error handler for Userscope's routes: what fails before a controller runs (parsing the
 * body, the body rules) answers in Userscope's error shape, `/v1/*` in OpenAI's, whichever filters
 * the host app has. Errors in controllers never get here: Nest's filters answer them.
 */
export function userscopeRouteErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = fromFastifyError(error, request);
  const { status, body } = describeError(mapped);
  if (mapped instanceof UserscopeHttpError) void reply.headers(mapped.headers);
  const openAi = request.routeOptions.url?.startsWith('/v1/') ?? false;
  void reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send(openAi ? { error: openAiErrorBody(status, body) } : body);
}
