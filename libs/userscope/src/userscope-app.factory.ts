import { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { applyUserscopeBodyLimit, GenerateLane, registerWebUi, requestTimeoutOptions, setupOpenApi, useGenerateFastPath, useUtf8JsonParser, userscopeClientErrorHandler } from '@userscope/http';
import { GeneralConfig } from '@userscope/runtime';
import { LoadedApplication, loadApplication } from './application.loader';
import { UserscopeConfigSource } from './interfaces/userscope-module-options.interface';
import { UserscopeModule } from './userscope.module';

export interface UserscopeAppOptions {
  /** Nest logger, or the levels to log; default: Nest's logger. `false` silences it. */
  logger?: LoggerService | LogLevel[] | false;
}

/**
 * The server `userscope serve` runs: a Nest app of `UserscopeModule` alone on Fastify, with the
 * OpenAPI document, the body limit and the web page. Initialised, not yet listening.
 */
export async function createUserscopeApp(
  source: UserscopeConfigSource | LoadedApplication,
  options: UserscopeAppOptions = {},
): Promise<NestFastifyApplication> {
  const loaded = 'registry' in source ? source : loadApplication(source);
  const app = await NestFactory.create<NestFastifyApplication>(UserscopeModule.fromApplication(loaded, { standalone: true }), userscopeAdapter(loaded.config.general), {
    ...standaloneAppOptions,
    logger: options.logger,
    abortOnError: false,
  });
  return prepareUserscopeApp(app);
}

/**
 * @internal What every standalone Userscope app gets before init: body limit, /generate's fast path
 * (and, on a `userscopeAdapter`, its lane in front of Fastify), OpenAPI, web page.
 */
export async function prepareUserscopeApp(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  const fastify = app.getHttpAdapter().getInstance();
  // Every route is Userscope's here, so the whole app's JSON parser may check UTF-8 itself.
  useUtf8JsonParser(fastify);
  // No route of Userscope's takes plain text: without Fastify's own parser for it, a text/plain body
  // is the 415 unsupported_media_type every other type that is not JSON gets, not a string to refuse.
  fastify.removeContentTypeParser('text/plain');
  applyUserscopeBodyLimit(app);
  useGenerateFastPath(app);
  GenerateLane.of(fastify)?.attach(app);
  setupOpenApi(app);
  await registerWebUi(app);
  try {
    await app.init();
  } catch (error) {
    // What init opened (connections, timers) would keep a refused startup's process alive.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/**
 * @internal Nest's application options for a standalone Userscope app: no body parsers of Nest's,
 * since `prepareUserscopeApp` gives the app Userscope's JSON parser (which checks UTF-8 as it parses).
 */
export const standaloneAppOptions = { bodyParser: false } as const;

/**
 * @internal The Fastify adapter of a standalone Userscope app, its server with the /generate lane in
 * front (GenerateLane) and `general.request_timeout` (the default one without `general`).
 */
export function userscopeAdapter(general: Pick<GeneralConfig, 'request_timeout'> = new GeneralConfig()): FastifyAdapter {
  const lane = new GenerateLane();
  const adapter = new LaneAwareAdapter({
    ...requestTimeoutOptions(general),
    // On close, idle keep-alive connections go at once; busy ones finish their request first.
    forceCloseConnections: 'idle',
    clientErrorHandler: userscopeClientErrorHandler,
    // Let prototype keys through the parser: Userscope's body rules refuse them by name
    // (the parser's refusal says only "not valid JSON"). Every route with a body is Userscope's.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
  });
  adapter.lane = lane;
  lane.adopt(adapter.getInstance());
  return adapter;
}

/** Turns the lane off when the app enables CORS or versioning: the lane answers /generate without either. */
class LaneAwareAdapter extends FastifyAdapter {
  lane: GenerateLane | undefined;

  override enableCors(...args: Parameters<FastifyAdapter['enableCors']>): void {
    this.lane?.turnOff('CORS is enabled');
    super.enableCors(...args);
  }

  override applyVersionFilter(...args: Parameters<FastifyAdapter['applyVersionFilter']>): ReturnType<FastifyAdapter['applyVersionFilter']> {
    this.lane?.turnOff('versioning is enabled');
    return super.applyVersionFilter(...args);
  }
}
