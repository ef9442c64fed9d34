import { Inject, Injectable, Optional } from '@nestjs/common';
import { SessionLifecycle } from '../session/session.lifecycle';
import { FunctionCatalog } from './function.catalog';
import { FunctionHandle, NEVER_ABORTED } from './function-handle';
import { runWithDeadline, streamWithDeadline } from './call-deadline';
import { RequestRefusedError, UserscopeHttpError, WorkflowError } from '../exceptions/invocation.exception';
import { IdentityRequiredError } from '../exceptions/identity-required.exception';
import { FunctionTimeoutError } from '../exceptions/function-timeout.exception';
import { RUN_ADMISSION, USERSCOPE_CONFIG } from '../runtime.constants';
import { RunAdmission } from '../interfaces/run-admission.interface';
import { inRunSlot } from './run-slot';
import { releasedWhenClosed } from './released-when-closed';
import { UserscopeConfig } from '../config/userscope-config.interface';
import { SpanKind } from '@opentelemetry/api';
import { agentAttributes, agentSpanName, inGenAiSpan, inGenAiStreamSpan, inStartedSpan, setConversation, startGenAiSpanIfTraced } from '../tracing/gen-ai.spans';
import { UserSession } from '../session/user-session';

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
    /** Caps each user's runs in flight (`general.limits.concurrent_runs`); none: runs are not counted. */
    @Optional() @Inject(RUN_ADMISSION) private readonly admission?: RunAdmission,
  ) {
    const timeout = config.general.function_timeout;
    this.timeoutMs = timeout === undefined ? undefined : timeout * 1000;
  }

  get isPerUser(): boolean {
    return this.catalog.workflow.type.scope === 'per-user';
  }

  /**
   * One run, in an `invoke_agent <workflow>` span (a no-op unless tracing is configured). A run of a
   * known caller holds one of the caller's run slots (`concurrent_runs`) from start to end.
   */
  run(caller: Caller, body: unknown): Promise<unknown> {
    // Promise chains, not async functions, and no closures a built session does not need: this is
    // every request's path, and each async layer costs its own promise and microtask turns
    // (bench/RESULTS.md, /generate's profiles).
    let input: unknown;
    try {
      input = this.catalog.workflow.type.parseInput(body);
      if (this.isPerUser && !caller.userId) throw new IdentityRequiredError(this.catalog.workflow.name);
    } catch (error) {
      return Promise.reject(error);
    }
    const userId = caller.userId;
    if (!this.isPerUser) return this.admitted(userId, input, this.runShared);
    return this.admitted(userId!, input, this.runAsUser).then(undefined, this.rethrowAsWorkflowError);
  }

  private readonly rethrowAsWorkflowError = (error: unknown): never => {
    throw this.asWorkflowError(error);
  };

  private readonly runShared = (_userId: string | undefined, input: unknown): Promise<unknown> => {
    const workflow = this.catalog.workflow;
    const agent = workflow.type.name;
    return inGenAiSpan(this.agentSpanName, SpanKind.INTERNAL, () => agentAttributes(agent, undefined), () => this.invoke(this.catalog.shared(workflow.name)!, input));
  };

  private readonly runAsUser = (userId: string, input: unknown): Promise<unknown> => {
    const span = startGenAiSpanIfTraced(this.agentSpanName, SpanKind.INTERNAL);
    if (!span) return this.sessions.runAs(userId, this.invokeWorkflow, input);
    return inStartedSpan(span, () => agentAttributes(this.catalog.workflow.type.name, userId), () =>
      this.sessions.runAs(userId, (session) => {
        setConversation(span, session.id);
        return this.invokeWorkflow(session, input);
      }),
    );
  };

  private readonly invokeWorkflow = (session: UserSession, input: unknown): Promise<unknown> => this.invoke(session.functions.get(this.catalog.workflow.name)!, input);

  /** `invoke_agent <workflow>`, made once. */
  private get agentSpanName(): string {
    return (this.spanName ??= agentSpanName(this.catalog.workflow.type.name));
  }

  private spanName: string | undefined;

  /**
   * The workflow's output as a stream: its chunks for a streaming function, its single output once
   * otherwise. Input and identity are checked now (so a caller can still answer with a status);
   * the caller's run slot is taken when iteration starts (see `openStream` to take it now); closing
   * the iterator early (a client that went away) cancels the function's generator and frees the
   * slot. Past `general.function_timeout` the stream throws FunctionTimeoutError, its slot freed.
   */
  stream(caller: Caller, body: unknown): AsyncIterable<unknown> {
    const chunks = this.chunksOf(caller, body);
    const userId = caller.userId;
    return this.admission && userId !== undefined ? this.admittedOnStart(userId, chunks) : chunks;
  }

  /**
   * `stream`, with the caller's run slot taken before it resolves: over `concurrent_runs` it
   * rejects while the route can still answer with a status (429 and its headers). `shape` turns the
   * chunks into what the route sends; the slot is freed when that ends, fails or is closed, started
   * or not (a client that left before the first chunk included).
   */
  async openStream<T = unknown>(caller: Caller, body: unknown, shape: (chunks: AsyncIterable<unknown>) => AsyncIterable<T> = (chunks) => chunks as AsyncIterable<T>): Promise<AsyncIterable<T>> {
    const chunks = shape(this.chunksOf(caller, body));
    const userId = caller.userId;
    if (!this.admission || userId === undefined) return chunks;
    return releasedWhenClosed(chunks, await this.admission.admit(userId));
  }

  private chunksOf(caller: Caller, body: unknown): AsyncIterable<unknown> {
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

  /** `work(userId, input)` in one of `userId`'s run slots (none to take without a caller or an admission). */
  private admitted<U extends string | undefined>(userId: U, input: unknown, work: (userId: U, input: unknown) => Promise<unknown>): Promise<unknown> {
    if (!this.admission || userId === undefined) return work(userId, input);
    return inRunSlot(this.admission, userId, () => work(userId, input));
  }

  private async *admittedOnStart(userId: string, chunks: AsyncIterable<unknown>): AsyncIterable<unknown> {
    const release = await this.admission!.admit(userId);
    try {
      yield* chunks;
    } finally {
      release();
    }
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

  private invokeWith(handle: FunctionHandle, input: unknown, signal: AbortSignal): Promise<unknown> {
    return handle.invokeParsed(input, signal).then(undefined, (error: unknown) => {
      // The function may rethrow the timeout it was aborted with: it stays the 504; a refusal (a limit, a store down) stays itself.
      throw error instanceof FunctionTimeoutError || error instanceof RequestRefusedError ? error : new WorkflowError(handle.name, error);
    });
  }
}
