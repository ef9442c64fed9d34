import { Injectable } from '@nestjs/common';
import { UserOwnedElsewhereError } from '../exceptions/user-ownership.exception';
import { RuntimeMessages } from '../runtime.messages';
import { SessionLifecycle } from '../session/session.lifecycle';
import { FunctionCatalog } from './function.catalog';

/** A user's configured functions, called by name, as that user. */
export interface UserCalls {
  /** Invokes the configured function `name` as the user (input validated against its schema), with `signal` passed on. */
  invoke(name: string, input: unknown, signal: AbortSignal): Promise<unknown>;
}

/**
 * How a call of a user's function reaches the process that owns the user when that is another one
 * (cluster mode puts its own in, at init). It throws what the call threw there, or an error with a
 * Retry-After when the owner cannot be reached.
 */
export interface RemoteUserFunctions {
  /** Invokes `name` as `userId` at the owner that `refusal` (this process's refused claim) names. */
  invoke(refusal: UserOwnedElsewhereError, userId: string, name: string, input: unknown, signal: AbortSignal): Promise<unknown>;
}

/**
 * The one place that runs work as a user wherever the user lives. On this process (one process, or
 * a cluster replica that owns or may claim the user) `runAs` is one of the user's requests in their
 * session, as `SessionLifecycle.runAs`. When another replica owns the user, the work runs here
 * without the user's session and each of its function calls is sent to the owner, where it runs as
 * one of the user's requests: the user's instances, and their state, stay on one replica.
 */
@Injectable()
export class UserInvoker {
  private remote: RemoteUserFunctions | undefined;

  constructor(
    private readonly sessions: SessionLifecycle,
    private readonly catalog: FunctionCatalog,
  ) {}

  /** Set at init, before any request, by a module whose users may live on other processes. */
  use(remote: RemoteUserFunctions): void {
    this.remote = remote;
  }

  /**
   * Runs `work` as `userId`: in the user's session here when this process can claim them; when the
   * claim names another owner, `work` runs here without a session, each of its calls sent to that
   * owner. A later `runAs` (a retry) claims again: a user whose owner died is taken over here once
   * its lease has run out.
   */
  runAs<T>(userId: string, work: (calls: UserCalls) => Promise<T>): Promise<T> {
    let started = false;
    const here = this.sessions.runAs(userId, (session) => {
      started = true;
      return work({ invoke: (name, input, signal) => this.catalog.forSession(session, name).invoke(input as never, signal) });
    });
    // Without other processes nothing is elsewhere: the session's promise as it is (every batch execution's path).
    const remote = this.remote;
    if (!remote) return here;
    return here.catch((error: unknown) => {
      // Only a refused claim means "elsewhere"; the same error thrown by the work itself is the work's.
      if (started || !(error instanceof UserOwnedElsewhereError)) throw error;
      return this.runElsewhere(remote, error, userId, work);
    });
  }

  /** `work` here without the user's session, each of its calls sent to the owner that `refusal` names. */
  private runElsewhere<T>(remote: RemoteUserFunctions, refusal: UserOwnedElsewhereError, userId: string, work: (calls: UserCalls) => Promise<T>): Promise<T> {
    return work({
      invoke: async (name, input, signal) => {
        signal.throwIfAborted();
        if (!this.catalog.get(name)) throw new Error(RuntimeMessages.unknownFunction(name, this.catalog.names()));
        return remote.invoke(refusal, userId, name, input, signal);
      },
    });
  }
}
