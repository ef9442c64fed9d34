import { DynamicModule, Logger, LoggerService, LogLevel, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  FunctionTypeRegistry,
  inlineSchema,
  UserscopeConfig,
  UserscopeRuntimeModule,
} from '@userscope/runtime';
import { ErrorFilter } from './error.filter';
import { IdentityResolver } from './identity/identity.resolver';
import { MetricsRegistry } from './metrics/metrics.registry';
import { registerRequestMetrics } from './metrics/request-metrics.hook';
import { setupOpenApi } from './openapi/openapi.document';
import { UserscopeHttpModule } from './userscope-http.module';
import { registerWebUi } from './web/web-ui';

export interface HttpAppOptions {
  config: UserscopeConfig;
  registry: FunctionTypeRegistry;
  plugins: Type<object>[];
  /** Further modules of the application (batch execution, LLM providers, ...). */
  modules?: DynamicModule[];
  /** Nest logger, or the levels to log; default: Nest's logger. `false` silences it. */
  logger?: LoggerService | LogLevel[] | false;
}

/** Builds the Nest application serving `config` on Fastify (not yet listening). */
export async function createHttpApp(options: HttpAppOptions): Promise<NestFastifyApplication> {
  @Module({ imports: [UserscopeRuntimeModule.forRoot(options), UserscopeHttpModule, ...(options.modules ?? [])] })
  class UserscopeAppModule {}

  const adapter = new FastifyAdapter({
    bodyLimit: options.config.general.max_body_size,
    // On close, idle keep-alive connections go at once; busy ones finish their request first.
    forceCloseConnections: 'idle',
  });
  const app = await NestFactory.create<NestFastifyApplication>(UserscopeAppModule, adapter, {
    logger: options.logger,
    abortOnError: false,
  });
  app.useGlobalFilters(new ErrorFilter(app.get(IdentityResolver)));
  registerRequestMetrics(app.getHttpAdapter().getInstance(), app.get(MetricsRegistry));
  setupOpenApi(app, options.config);
  await registerWebUi(app);
  await app.init();
  logPayloadFormat(options.config);
  return app;
}

/** NAT logs the /generate payload format at startup; so do we. */
function logPayloadFormat(config: UserscopeConfig): void {
  const schema = inlineSchema(config.workflow.type.inputSchema);
  new Logger('Generate').log(`Expecting generate request payloads in the following format: ${JSON.stringify(schema)}`);
}
