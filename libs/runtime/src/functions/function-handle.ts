import { RuntimeMessages } from '../runtime.messages';
import { WORKFLOW_NAME } from '../runtime.constants';
import { ConfiguredFunction } from '../config/userscope-config.interface';
import { UserscopeFunction } from '../interfaces/userscope-function.interface';
import type { DiscoveredFunctionGroup } from '../interfaces/discovered-function-group.interface';
import { isTrackingCurrentSession, runAsFunction } from '../session/current-session';
import { SpanKind } from '@opentelemetry/api';
import { inGenAiStreamSpan, inStartedSpan, setToolResult, startGenAiSpanIfTraced, toolAttributes } from '../tracing/gen-ai.spans';

/** Span names by function name; configured names are few. */
const TOOL_SPAN_NAMES = new Map<string, string>();

/** The signal of a call nobody bounds: it never aborts (one for all, so an unbounded call costs nothing). */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal;

/**
 * A configured function bound to one instance: the user's own for a per-user function, the single
 * one for a shared function. What `functions.get(name)` returns — NAT's `builder.get_function(name)`.
 */
export class FunctionHandle<I = any, O = any> {
  readonly instance: UserscopeFunction<I, O>;

  /** `provider` is the function's instance, or for a function of a group, the group's instance. */
  constructor(
    readonly fn: ConfiguredFunction,
    provider: object,
  ) {
    this.instance = bindMember(fn, provider) as UserscopeFunction<I, O>;
  }

  get name(): string {
    return this.fn.name;
  }

  /** The name a person knows it by: the configured name, or for the workflow its `_type`. */
  get displayName(): string {
    return this.fn.name === WORKFLOW_NAME ? this.fn.type.name : this.fn.name;
  }

  get isPerUser(): boolean {
    return this.fn.type.scope === 'per-user';
  }

  /**
   * Validates `input` against the function's input schema (defaults applied) and calls it. Pass on
   * the `signal` your own function was given, so that a timeout or a cancel reaches this call too.
   */
  invoke(input: I | Record<string, unknown>, signal: AbortSignal = NEVER_ABORTED): Promise<O> {
    let parsed: I;
    try {
      parsed = this.parse(input);
    } catch (error) {
      return Promise.reject(error); // refused input fails as a call does: a rejection, never a throw
    }
    return this.invokeParsed(parsed, signal);
  }

  /** Streams the function's output; a function with only a single output yields it once. */
  stream(input: I | Record<string, unknown>, signal: AbortSignal = NEVER_ABORTED): AsyncIterable<O> {
    return this.streamParsed(this.parse(input), signal);
  }

  /** Streams with an already parsed input; a function other than the workflow streams in an `execute_tool <name>` span. */
  streamParsed(input: I, signal: AbortSignal = NEVER_ABORTED): AsyncIterable<O> {
    if (this.fn.name === WORKFLOW_NAME) return this.chunks(input, signal);
    return inGenAiStreamSpan(this.toolSpanName, SpanKind.INTERNAL, () => toolAttributes(this.name, input), () => this.chunks(input, signal));
  }

  private async *chunks(input: I, signal: AbortSignal): AsyncIterable<O> {
    if (this.instance.stream) yield* this.instance.stream(input, signal);
    else yield await this.call(input, signal);
  }

  /** Converts a JSON value to the input type; throws InvalidInputError with the field errors. */
  parse(input: unknown): I {
    return this.fn.type.parseInput(input) as I;
  }

  /**
   * Calls the function with an already parsed input. A stream-only function returns its collected
   * chunks. A call of a function other than the workflow is an `execute_tool <name>` span.
   */
  invokeParsed(input: I, signal: AbortSignal = NEVER_ABORTED): Promise<O> {
    if (this.fn.name === WORKFLOW_NAME) return this.call(input, signal);
    const span = startGenAiSpanIfTraced(this.toolSpanName, SpanKind.INTERNAL);
    if (!span) return this.call(input, signal); // the closures below only for a span that records or parents
    return inStartedSpan(span, () => toolAttributes(this.name, input), async () => {
      const output = await this.call(input, signal);
      setToolResult(span, output);
      return output;
    });
  }

  /** `execute_tool <name>`, made once per function name (not per handle: every user has their own handles). */
  private get toolSpanName(): string {
    let name = TOOL_SPAN_NAMES.get(this.name);
    if (name === undefined) TOOL_SPAN_NAMES.set(this.name, (name = `execute_tool ${this.name}`));
    return name;
  }

  private call(input: I, signal: AbortSignal): Promise<O> {
    if (!this.instance.invoke) return this.collect(input, signal);
    // Not an async function: the function's own promise is returned as it is, without the hops an
    // async wrapper adds to every call (function-handle's `call` was 0.9% of /generate's profile).
    try {
      // Named for fault attribution (an unhandled rejection names the function) when tracking is on.
      return Promise.resolve(isTrackingCurrentSession() ? runAsFunction(this.displayName, () => this.instance.invoke!(input, signal)) : this.instance.invoke(input, signal));
    } catch (error) {
      return Promise.reject(error); // a function that throws at once fails like one that rejects
    }
  }

  /** A stream-only function's chunks, collected: strings concatenated, other chunks as an array. */
  private async collect(input: I, signal: AbortSignal): Promise<O> {
    if (!this.instance.stream) throw new Error(RuntimeMessages.noSingleOutput(this.name));
    const chunks: unknown[] = [];
    for await (const chunk of this.instance.stream(input, signal)) chunks.push(chunk);
    return (chunks.every((c) => typeof c === 'string') ? chunks.join('') : chunks) as O;
  }
}

/** A group's method seen as a function: `invoke` or `stream` bound to the group instance. */
function bindMember(fn: ConfiguredFunction, provider: object): UserscopeFunction {
  const discovered = fn.type.discovered;
  if (discovered !== undefined) {
    const group = provider as DiscoveredFunctionGroup;
    return { invoke: (input, signal) => group.invokeFunction(discovered, input, signal) };
  }
  const member = fn.type.member;
  if (!member) return provider as UserscopeFunction;
  const method = (provider as Record<string, (input: unknown, signal: AbortSignal) => any>)[member.method].bind(provider);
  return member.kind === 'invoke' ? { invoke: method } : { stream: method };
}
