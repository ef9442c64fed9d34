import { context, propagation } from '@opentelemetry/api';

/**
 * `run()` in the trace context of the caller's W3C `traceparent` (and `tracestate`) header, so that
 * the spans it starts are children of the caller's span; as it is without the header. Without a
 * tracer provider (tracing off) the propagator is OpenTelemetry's no-op one and nothing is extracted.
 */
export function inCallerTraceContext<T>(headers: Record<string, string | string[] | undefined>, run: () => T): T {
  if (headers.traceparent === undefined) return run();
  return context.with(propagation.extract(context.active(), headers), run);
}
