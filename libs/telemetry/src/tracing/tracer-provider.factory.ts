import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { configureGenAiTracing } from '@userscope/runtime';
import { TelemetryConfig } from '../config/telemetry.config';
import { ExporterView } from './exporter-view';
import { userAttributesOf } from './user-pseudonym';

/** The service name on every span (`service.name`), unless OTEL_SERVICE_NAME says otherwise. */
export const DEFAULT_SERVICE_NAME = 'userscope';

/**
 * Starts tracing: a Node tracer provider registered globally (AsyncLocalStorage context, W3C
 * `traceparent` propagation), one batching OTLP HTTP exporter per configured exporter, and the
 * runtime's spans told what they may carry. Sampled at the largest `sample_ratio` (a caller's
 * sampling decision is followed); each exporter keeps its own share.
 */
export function startTracing(config: TelemetryConfig, env: NodeJS.ProcessEnv = process.env): NodeTracerProvider {
  const exporters = Object.values(config.tracing);
  const ratio = Math.max(...exporters.map((exporter) => exporter.sample_ratio));
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || DEFAULT_SERVICE_NAME }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
    spanProcessors: exporters.map(
      (exporter) => new BatchSpanProcessor(new ExporterView(new OTLPTraceExporter({ url: exporter.endpoint, headers: exporter.headers ?? {} }), exporter, ratio)),
    ),
  });
  provider.register();
  configureGenAiTracing({
    captureContent: exporters.some((exporter) => exporter.capture_content),
    userAttributes: userAttributesOf(config.user_id_key, exporters.some((exporter) => exporter.include_user_id)),
  });
  return provider;
}

/** Sends the spans still buffered, then unregisters everything `startTracing` set (another app may start its own). */
export async function stopTracing(provider: NodeTracerProvider): Promise<void> {
  try {
    await provider.shutdown();
  } finally {
    configureGenAiTracing();
    trace.disable();
    context.disable();
    propagation.disable();
  }
}
