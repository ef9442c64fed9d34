import { ExportResult } from '@opentelemetry/core';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { ReadableSpan, SamplingDecision, SpanExporter, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { TracingExporterConfig } from '../config/telemetry.config';

/** The attributes that hold what users wrote or were answered: exported only with `capture_content: true`. */
export const CONTENT_ATTRIBUTES = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result'];

/** The attribute of the raw user id: exported only with `include_user_id: true`. */
export const RAW_USER_ATTRIBUTE = 'enduser.id';

/**
 * What one exporter of `general.telemetry.tracing` is sent: spans are recorded once for every exporter,
 * so each sees its own share of the traces (`sample_ratio`, decided by trace id: whole traces are kept)
 * and none of the content or raw user ids its settings leave out.
 */
export class ExporterView implements SpanExporter {
  private readonly hidden: string[];
  private readonly sampler: TraceIdRatioBasedSampler | undefined;

  constructor(
    private readonly exporter: SpanExporter,
    settings: TracingExporterConfig,
    /** The ratio every span was sampled at already: a view at that ratio keeps them all. */
    recordedRatio: number,
  ) {
    this.hidden = [...(settings.capture_content ? [] : CONTENT_ATTRIBUTES), ...(settings.include_user_id ? [] : [RAW_USER_ATTRIBUTE])];
    this.sampler = settings.sample_ratio < recordedRatio ? new TraceIdRatioBasedSampler(settings.sample_ratio) : undefined;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const kept = this.sampler ? spans.filter((span) => this.keeps(span)) : spans;
    this.exporter.export(this.hidden.length === 0 ? kept : kept.map((span) => this.withoutHidden(span)), resultCallback);
  }

  shutdown(): Promise<void> {
    return this.exporter.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush?.() ?? Promise.resolve();
  }

  private keeps(span: ReadableSpan): boolean {
    const { traceId } = span.spanContext();
    return this.sampler!.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
  }

  /** The span as exported: its own object, every field the span's but the attributes. */
  private withoutHidden(span: ReadableSpan): ReadableSpan {
    if (!this.hidden.some((key) => key in span.attributes)) return span;
    const attributes = { ...span.attributes };
    for (const key of this.hidden) delete attributes[key];
    return Object.create(span, { attributes: { value: attributes } }) as ReadableSpan;
  }
}
