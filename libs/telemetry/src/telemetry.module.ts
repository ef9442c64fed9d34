import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { TelemetryConfig } from './config/telemetry.config';
import { TELEMETRY_TRACER_PROVIDER } from './telemetry.constants';
import { TelemetryMessages } from './telemetry.messages';
import { registerTraceContext } from './tracing/trace-context.hook';
import { startTracing, stopTracing } from './tracing/tracer-provider.factory';

/**
 * OpenTelemetry GenAI tracing (`general.telemetry.tracing`): starts the SDK with the configured
 * exporters, honours callers' `traceparent`, and flushes the last spans at shutdown. The application
 * loader imports it only when tracing is configured: otherwise no SDK exists and spans are no-ops.
 */
@Module({})
export class TelemetryModule implements OnModuleInit, OnApplicationShutdown {
  private static readonly logger = new Logger('Telemetry');

  constructor(
    @Inject(TELEMETRY_TRACER_PROVIDER) private readonly provider: NodeTracerProvider,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  static forRoot(config: TelemetryConfig): DynamicModule {
    return {
      module: TelemetryModule,
      providers: [
        {
          provide: TELEMETRY_TRACER_PROVIDER,
          useFactory: () => {
            const provider = startTracing(config);
            TelemetryModule.logger.log(TelemetryMessages.started(Object.keys(config.tracing)));
            return provider;
          },
        },
      ],
    };
  }

  /** A Fastify hook covers every route, as long as it goes on before the server is ready. */
  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (fastify?.addHook) registerTraceContext(fastify); // else an application context (the CLI's run, a worker): no HTTP
  }

  async onApplicationShutdown(): Promise<void> {
    await stopTracing(this.provider);
  }
}
