import { Injectable } from '@nestjs/common';
import { SessionLifecycle } from '../session/session.lifecycle';
import { FunctionCatalog } from './function.catalog';
import { FunctionHandle } from './function-handle';
import { UserscopeHttpError, WorkflowError } from '../exceptions/invocation.exception';
import { UserSession } from '../session/user-session';
import { runAsSession } from '../session/current-session';

/** Who is calling: a user id (already validated by the identity resolver), or nobody. */
export interface Caller {
  userId?: string;
}

/**
 * Runs the configured workflow for a caller: the body is checked against the workflow's input
 * schema first (400), a per-user workflow needs an identity (401), and anything the workflow throws
 * becomes NAT's 422 `workflow_error`.
 */
@Injectable()
export class WorkflowRunner {
  constructor(
    private readonly catalog: FunctionCatalog,
    private readonly sessions: SessionLifecycle,
  ) {}

  get isPerUser(): boolean {
    return this.catalog.workflow.type.scope === 'per-user';
  }

  async run(caller: Caller, body: unknown, missingIdentity: () => Error): Promise<unknown> {
    const workflow = this.catalog.workflow;
    const input = workflow.type.parseInput(body);
    if (!this.isPerUser) return this.invoke(this.catalog.shared(workflow.name)!, input);
    if (!caller.userId) throw missingIdentity();
    const started = performance.now();
    const session = await this.acquire(caller.userId);
    let failed = true;
    try {
      const output = await runAsSession(session, () => this.invoke(session.functions.get(workflow.name)!, input));
      failed = false;
      return output;
    } finally {
      this.sessions.release(session, performance.now() - started, failed);
    }
  }

  /**
   * The workflow's output as a stream: its chunks for a streaming function, its single output once
   * otherwise. Input and identity are checked now (so a caller can still answer with a status);
   * closing the iterator early (a client that went away) cancels the function's generator.
   */
  stream(caller: Caller, body: unknown, missingIdentity: () => Error): AsyncIterable<unknown> {
    const workflow = this.catalog.workflow;
    const input = workflow.type.parseInput(body);
    if (!this.isPerUser) return this.chunks(this.catalog.shared(workflow.name)!, input);
    const userId = caller.userId;
    if (!userId) throw missingIdentity();
    // The session is acquired when iteration starts, so an iterator that is never started holds nothing.
    const { sessions } = this;
    const acquire = (id: string) => this.acquire(id);
    const chunks = (handle: FunctionHandle) => this.chunks(handle, input);
    return (async function* () {
      const started = performance.now();
      const session = await acquire(userId);
      let failed = true;
      try {
        yield* runAsSessionStream(session, chunks(session.functions.get(workflow.name)!));
        failed = false;
      } finally {
        sessions.release(session, performance.now() - started, failed);
      }
    })();
  }

  /** The user's session; a limit is the caller's error (429/503), a failed build the workflow's (422). */
  private acquire(userId: string): Promise<UserSession> {
    return this.sessions.acquire(userId).catch((error) => {
      throw error instanceof UserscopeHttpError ? error : new WorkflowError(this.catalog.workflow.name, error);
    });
  }

  private async *chunks(handle: FunctionHandle, input: unknown): AsyncIterable<unknown> {
    try {
      yield* handle.streamParsed(input);
    } catch (error) {
      throw new WorkflowError(handle.name, error);
    }
  }

  private async invoke(handle: FunctionHandle, input: unknown): Promise<unknown> {
    try {
      return await handle.invokeParsed(input);
    } catch (error) {
      throw new WorkflowError(handle.name, error);
    }
  }
}

/** Iterates `source` with every step running as `session`'s (a generator resumes in its caller's context). */
async function* runAsSessionStream<T>(session: UserSession, source: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  try {
    while (true) {
      const next = await runAsSession(session, () => iterator.next());
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await runAsSession(session, async () => iterator.return?.());
  }
}
