import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { isUserscopeRoute } from './userscope-routes';
import { checkJsonBody } from './request-body/json-body.checker';
import { userscopeRouteErrorHandler } from './request-body/route-error.handler';
import { Utf8CheckStream } from './request-body/utf8-check.stream';
import { parserChecksUtf8 } from './request-body/utf8-json.parser';

/**
 * Gives Userscope's routes their body rules, leaving the host's routes as the host has them: the
 * size limit `general.max_body_size` (Fastify's per-route `bodyLimit`), the nesting limit
 * `general.max_json_depth`, bodies in UTF-8, no prototype keys, and these refusals (and Fastify's:
 * bad JSON, 413, 415) in Userscope's error shape. All per route, since a content-type parser would
 * be the whole app's. Call after `NestFactory.create`, before `listen`/`init`: Nest adds its routes at init.
 */
export function applyUserscopeBodyLimit(app: NestFastifyApplication): void {
  const { max_body_size, max_json_depth } = app.get<UserscopeConfig>(USERSCOPE_CONFIG, { strict: false }).general;
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRoute', (route) => {
    if (!isUserscopeRoute(route.url)) return;
    route.bodyLimit = max_body_size;
    route.preParsing = [
      ...hooks(route.preParsing),
      (request, _reply, payload, done) => done(null, hasBody(request) && !parserChecksUtf8(fastify, request) ? payload.pipe(new Utf8CheckStream()) : payload),
    ];
    // Parsed JSON, before validation: class-transformer and the routes' own checks recurse.
    route.preValidation = [
      ...hooks(route.preValidation),
      (request, _reply, done) => {
        try {
          if (typeof request.body === 'object') checkJsonBody(request.body, max_json_depth);
          done();
        } catch (error) {
          done(error as Error);
        }
      },
    ];
    route.errorHandler ??= userscopeRouteErrorHandler;
  });
}

function hooks<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function hasBody(request: FastifyRequest): boolean {
  return request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
}
