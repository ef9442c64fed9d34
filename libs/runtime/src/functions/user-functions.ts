import { Injectable } from '@nestjs/common';
import { SessionLifecycle } from '../session/session.lifecycle';
import { UserSession } from '../session/user-session';
import { FunctionCatalog } from './function.catalog';
import { FunctionHandle } from './function-handle';

/** A user's functions by configured name: their own per-user instances, the one shared instance of the rest. */
export interface UserFunctionLookup {
  get<I = any, O = any>(name: string): FunctionHandle<I, O>;
}

/**
 * A user's configured functions, for the host app's singletons (a service, a queue consumer, a
 * scheduled job) that know the user by id. Each call is one of that user's requests: it opens
 * their session if needed, waits within their limits (429/503 errors as for HTTP), and keeps the
 * idle sweep away until it is done. Request-scoped code can inject `Functions` instead.
 */
@Injectable()
export class UserFunctions {
  constructor(
    private readonly sessions: SessionLifecycle,
    private readonly catalog: FunctionCatalog,
  ) {}

  /** Runs `work` as `userId`'s request, with that user's functions. */
  runAs<T>(userId: string, work: (functions: UserFunctionLookup) => T | Promise<T>): Promise<T> {
    return this.sessions.runAs(userId, (session) => work(this.lookup(session)));
  }

  /** Invokes the configured function `name` as `userId` (input validated against its schema), passing `signal` on. */
  invoke<I = any, O = any>(userId: string, name: string, input: I | Record<string, unknown>, signal?: AbortSignal): Promise<O> {
    return this.runAs(userId, (functions) => functions.get<I, O>(name).invoke(input, signal));
  }

  private lookup(session: UserSession): UserFunctionLookup {
    return { get: <I, O>(name: string) => this.catalog.forSession<I, O>(session, name) };
  }
}
