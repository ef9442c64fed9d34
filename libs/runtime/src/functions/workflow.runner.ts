import { Inject, Injectable } from '@nestjs/common';
import { SessionLifecycle } from '../session/session.lifecycle';
import { FunctionCatalog } from './function.catalog';
import { FunctionHandle, NEVER_ABORTED } from './function-handle';
import { runWithDeadline, streamWithDeadline } from './call-deadline';
import { RequestRefusedError, UserscopeHttpError, WorkflowError } from '../exceptions/invocation.exception';
import { IdentityRequiredError } from '../exceptions/identity-required.exception';
import { FunctionTimeoutError } from '../exceptions/function-timeout.exception';
import { USERSCOPE_CONFIG } from '../runtime.constants';
import { UserscopeConfig } from '../config/userscope-config.interface';
import { SpanKind } from '@opentelemetry/api';
import { agentAttributes, agentSpanName, inGenAiSpan, inGenAiStreamSpan, setConversation } from '../tracing/gen-ai.spans';

/** Who is calling: a user id (already validated by the identity resolver), or nobody. */
export interface Caller {
  userId?: string;
}

/**
 * Runs the configured workflow for a caller: the body is checked against the workflow's input
 * schema first (400), a per-user workflow needs a user id (IdentityRequiredError, which the front
 * end maps), and anything the workflow throws becomes NAT's 422 `workflow_error`.
 */
@Injectable()
export class WorkflowRunner {
  /** `general.function_timeout` in ms; undefined: calls are unbounded, and cost no timer. */
  private readonly timeoutMs: number | undefined;

  constructor(
    private readonly catalog: FunctionCatalog,
    private readonly sessions: SessionLifecycle,
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
  ) {
    const timeout = config.general.function_timeout;
    this.timeoutMs = timeout === undefined ? undefined : timeout * 1000;
  }

  get isPerUser(): boolean {
    return this.catalog.workflow.type.scope === 'per-user';
  }

  /** One run, in an `invoke_agent <workflow>` span (a no-op unless tracing is configured). */
  async run(caller: Caller, body: unknown): Promise<unknown> {
    const workflow = this.catalog.workflow;
    const input = workflow.type.parseInput(body);
    const agent = workflow.type.name;
    if (!this.isPerUser) return inGenAiSpan(agentSpanName(agent), SpanKind.INTERNAL, () => agentAttributes(agent, undefined), () => this.invoke(this.catalog.shared(workflow.name)!, input));
    const userId = caller.userId;
    if (!userId) throw new IdentityRequiredError(workflow.name);
    try {
      return await inGenAiSpan(agentSpanName(agent), SpanKind.INTERNAL, () => agentAttributes(agent, userId), (span) =>
        this.sessions.runAs(userId, (session) => {
          setConversation(span, session.id);
          return this.invoke(session.functions.get(workflow.name)!, input);
        }),
      );
    } catch (error) {
      throw this.asWorkflowError(error);
    }
  }

  /**
   * The workflow's output as a stream: its chunks for a streaming function, its single output once
   * otherwise. Input and identity are checked now (so a caller can still answer with a status);
   * closing the iterator early (a client that went away) cancels the function's generator. Past
   * `general.function_timeout` the stream throws FunctionTimeoutError, its slot freed.
   */
  stream(caller: Caller, body: unknown): AsyncIterable<unknown> {
    const workflow = this.catalog.workflow;
    const input = workflow.type.parseInput(body);
    const agent = workflow.type.name;
    if (!this.isPerUser) return inGenAiStreamSpan(agentSpanName(agent), SpanKind.INTERNAL, () => agentAttributes(agent, undefined), () => this.boundedChunks(this.catalog.shared(workflow.name)!, input));
    const userId = caller.userId;
    if (!userId) throw new IdentityRequiredError(workflow.name);
    return this.withWorkflowErrors(
      inGenAiStreamSpan(agentSpanName(agent), SpanKind.INTERNAL, () => agentAttributes(agent, userId), (span) =>
        this.sessions.runAsStream(userId, (session) => {
          setConversation(span, session.id);
          return this.boundedChunks(session.functions.get(workflow.name)!, input);
        }),
      ),
    );
  }

  /** A limit is the caller's error (429/503) and the workflow's own errors are already typed; a failed build is the workflow's (422). */
  private asWorkflowError(error: unknown): unknown {
    return error instanceof UserscopeHttpError ? error : new WorkflowError(this.catalog.workflow.name, error);
  }

  private async *withWorkflowErrors(source: AsyncIterable<unknown>): AsyncIterable<unknown> {
    try {
      yield* source;
    } catch (error) {
      throw this.asWorkflowError(error);
    }
  }

  /**
   * One streamed call of the workflow; bounded as a whole (first chunk to last, not chunk to chunk)
   * by `general.function_timeout` when it is set, as `invoke` is: the same function answers within the
   * same time on every route, and one that trickles chunks cannot hold its user's slot for ever.
   */
  private boundedChunks(handle: FunctionHandle, input: unknown): AsyncIterable<unknown> {
    if (this.timeoutMs === undefined) return this.chunks(handle, input, NEVER_ABORTED);
    return streamWithDeadline((signal) => this.chunks(handle, input, signal), { timeoutMs: this.timeoutMs, timeoutError: () => this.timeoutError(handle) });
  }

  private async *chunks(handle: FunctionHandle, input: unknown, signal: AbortSignal): AsyncIterable<unknown> {
    try {
      yield* handle.streamParsed(input, signal);
    } catch (error) {
      // The function may rethrow the timeout it was aborted with: it stays the 504; a refusal (a limit, a store down) stays itself.
      throw error instanceof FunctionTimeoutError || error instanceof RequestRefusedError ? error : new WorkflowError(handle.name, error);
    }
  }

  /** One call of the workflow; bounded by `general.function_timeout` when it is set. */
  private invoke(handle: FunctionHandle, input: unknown): Promise<unknown> {
    if (this.timeoutMs === undefined) return this.invokeWith(handle, input, NEVER_ABORTED);
    return runWithDeadline((signal) => this.invokeWith(handle, input, signal), { timeoutMs: this.timeoutMs, timeoutError: () => this.timeoutError(handle) });
  }

  private timeoutError(handle: FunctionHandle): FunctionTimeoutError {
    return new FunctionTimeoutError(handle.displayName, this.timeoutMs! / 1000);
  }

  private async invokeWith(handle: FunctionHandle, input: unknown, signal: AbortSignal): Promise<unknown> {
    try {
      return await handle.invokeParsed(input, signal);
    } catch (error) {
      // The function may rethrow the timeout it was aborted with: it stays the 504; a refusal (a limit, a store down) stays itself.
      throw error instanceof FunctionTimeoutError || error instanceof RequestRefusedError ? error : new WorkflowError(handle.name, error);
    }
  }
}
