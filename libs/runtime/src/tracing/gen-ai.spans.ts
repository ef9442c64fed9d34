import { Attributes, context, INVALID_SPAN_CONTEXT, isSpanContextValid, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

/**
 * What the spans may carry, set by `@userscope/telemetry` when tracing is configured. Without it
 * no tracer provider is registered, so every span below is the API's non-recording no-op and none
 * of its attributes is even computed.
 */
export interface GenAiTracingOptions {
  /** Prompts and replies as span attributes (`capture_content: true`). */
  readonly captureContent: boolean;
  /** The attributes naming a user: `enduser.pseudo.id` (an HMAC of the id), or the id itself when allowed. */
  userAttributes(userId: string): Attributes;
}

const CONTENT_OFF: GenAiTracingOptions = { captureContent: false, userAttributes: () => ({}) };
let options: GenAiTracingOptions = CONTENT_OFF;

/** @internal Called by `@userscope/telemetry` at startup, and with nothing at shutdown. */
export function configureGenAiTracing(next?: GenAiTracingOptions): void {
  options = next ?? CONTENT_OFF;
}

/** @internal What spans may record now (see `configureGenAiTracing`). */
export function genAiTracingOptions(): GenAiTracingOptions {
  return options;
}

// A proxy: it starts recording once a provider is registered, and is the no-op tracer until then.
const tracer = trace.getTracer('userscope');

/**
 * Runs `work` inside a span named `name` (a child of the active one), its attributes computed only
 * when it records. A failure sets `error.type` (the error's class) and the error status.
 */
export function inGenAiSpan<T>(name: string, kind: SpanKind, attributes: () => Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  const span = tracer.startSpan(name, { kind });
  // No tracer provider and no trace around: the API's invalid no-op span, which children would ignore as a
  // parent anyway. Skipping its context and async wrapper is about 2% of /generate with tracing off (bench/).
  if (isInvalidNoop(span)) {
    try {
      return work(span);
    } catch (error) {
      return Promise.reject(error); // as the traced path: a failure is a rejection, never a throw
    }
  }
  return inStartedSpan(span, attributes, work);
}

/**
 * A span named `name` (a child of the active one), or undefined when it would be the API's invalid
 * no-op. For the hottest callers: they skip `inGenAiSpan` then, and the closures they would pass it.
 */
export function startGenAiSpanIfTraced(name: string, kind: SpanKind): Span | undefined {
  const span = tracer.startSpan(name, { kind });
  return isInvalidNoop(span) ? undefined : span;
}

/** `inGenAiSpan` for a span already started (see `startGenAiSpanIfTraced`). */
export function inStartedSpan<T>(span: Span, attributes: () => Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), async () => {
    if (span.isRecording()) span.setAttributes(attributes());
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The API's invalid no-op span. The no-op tracer hands out the shared INVALID_SPAN_CONTEXT when there is
 * no parent: comparing to it first spares the two id regexes of `isSpanContextValid` on every call.
 */
function isInvalidNoop(span: Span): boolean {
  if (span.isRecording()) return false;
  const spanContext = span.spanContext();
  return spanContext === INVALID_SPAN_CONTEXT || !isSpanContextValid(spanContext);
}

/**
 * A stream inside one span, from its opening to its last chunk (or the consumer leaving early):
 * every step of `open()`'s iterator runs in the span's context, so spans made inside are its children.
 */
export async function* inGenAiStreamSpan<T>(name: string, kind: SpanKind, attributes: () => Attributes, open: (span: Span) => AsyncIterable<T>): AsyncIterable<T> {
  const span = startGenAiSpan(name, kind, attributes);
  const spanContext = trace.setSpan(context.active(), span);
  const iterator = context.with(spanContext, () => open(span)[Symbol.asyncIterator]());
  let done = false;
  try {
    while (true) {
      const step = await context.with(spanContext, () => iterator.next());
      if (step.done) {
        done = true;
        return;
      }
      yield step.value;
    }
  } catch (error) {
    done = true;
    markFailed(span, error);
    throw error;
  } finally {
    // Left early: the source is closed as a `for await` would have, in the span's context.
    if (!done) await context.with(spanContext, () => iterator.return?.());
    span.end();
  }
}

/** A span started now (a child of the active one) for work that is not one function call: the caller ends it. */
export function startGenAiSpan(name: string, kind: SpanKind, attributes: () => Attributes): Span {
  const span = tracer.startSpan(name, { kind });
  if (span.isRecording()) span.setAttributes(attributes());
  return span;
}

/** Marks `span` failed by `error`: `error.type` (the error's code, else its class) and the error status. */
export function markFailed(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const type = error instanceof Error ? ((error as { code?: unknown }).code as string | undefined) ?? error.constructor.name : typeof error;
  span.setAttribute('error.type', String(type));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/** The span of one run of an agent (a request's workflow, a batch execution): `invoke_agent <name>`. */
export function agentSpanName(agent: string): string {
  return `invoke_agent ${agent}`;
}

/** An `invoke_agent` span's attributes: the agent, and the user it runs for when there is one. */
export function agentAttributes(agent: string, userId: string | undefined, extra: Attributes = {}): Attributes {
  return {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': agent,
    ...(userId === undefined ? {} : options.userAttributes(userId)),
    ...extra,
  };
}

/** Names the conversation (the user's session) on an `invoke_agent` span, once the session is known. */
export function setConversation(span: Span, sessionId: string): void {
  if (span.isRecording()) span.setAttribute('gen_ai.conversation.id', sessionId);
}

/** An `execute_tool` span's attributes; the arguments only with `capture_content: true`. */
export function toolAttributes(tool: string, input: unknown): Attributes {
  return {
    'gen_ai.operation.name': 'execute_tool',
    'gen_ai.tool.name': tool,
    'gen_ai.tool.type': 'function',
    ...(options.captureContent ? { 'gen_ai.tool.call.arguments': asJsonText(input) } : {}),
  };
}

/** A tool's result on its span, only with `capture_content: true`. */
export function setToolResult(span: Span, output: unknown): void {
  if (options.captureContent && span.isRecording()) span.setAttribute('gen_ai.tool.call.result', asJsonText(output));
}

/** Content as the conventions record it: JSON text (a string as it is). */
export function asJsonText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return String(value);
  }
}
