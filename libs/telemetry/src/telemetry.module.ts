import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { TelemetryConfig } from './config/telemetry.config';
import { TELEMETRY_TRACER_PROVIDER } from './telemetry.constants';
import { TelemetryMessages } from './telemetry.messages';
import { TraceContextInterceptor } from './tracing/trace-context.interceptor';
import { startTracing, stopTracing } from './tracing/tracer-provider.factory';

/**
 * OpenTelemetry GenAI tracing (`general.telemetry.tracing`): starts the SDK with the configured
 * exporters, honours callers' `traceparent`, and flushes the last spans at shutdown. The application
 * loader imports it only when tracing is configured: otherwise no SDK exists and spans are no-ops.
 */
@Module({})
export class TelemetryModule implements OnApplicationShutdown {
  private static readonly logger = new Logger('Telemetry');

  constructor(@Inject(TELEMETRY_TRACER_PROVIDER) private readonly provider: NodeTracerProvider) {}

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
        { provide: APP_INTERCEPTOR, useClass: TraceContextInterceptor },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await stopTracing(this.provider);
  }
}
