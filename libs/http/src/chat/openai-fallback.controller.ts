import { All, Controller, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { OpenAiRouteNotFoundError, OpenAiMethodNotAllowedError } from './exceptions/openai-route.exception';
import { OpenAiErrorFilter } from './openai-error.filter';
import { OPENAI_ROUTE_PREFIX, OpenAiRoutesExplorer } from './openai-routes.explorer';

/**
 * What no `/v1` route serves: 404, or 405 with `Allow` for a served path asked with another method,
 * both in OpenAI's error shape so that OpenAI clients show the message. The router tries every other
 * route first: a wildcard matches last.
 */
@ApiExcludeController()
@Controller(OPENAI_ROUTE_PREFIX)
@UseFilters(OpenAiErrorFilter)
export class OpenAiFallbackController {
  constructor(private readonly routes: OpenAiRoutesExplorer) {}

  @All(['', '*'])
  refuse(@Req() request: FastifyRequest): never {
    const path = request.url.split('?')[0];
    const allowed = this.routes.methodsFor(path);
    if (allowed.length > 0) throw new OpenAiMethodNotAllowedError(request.method, path, allowed);
    throw new OpenAiRouteNotFoundError(request.method, path);
  }
}
