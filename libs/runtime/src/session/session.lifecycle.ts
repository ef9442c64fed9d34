import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { providerTokenOf } from '../functions/configured-function.providers';
import { FunctionCatalog } from '../functions/function.catalog';
import { FunctionHandle } from '../functions/function-handle';
import { DurableInstanceTracker } from './durable-instance.tracker';
import { SessionRegistry } from './session.registry';
import { UserSession } from './user-session';

/** What ending a session did. */
export interface SessionEndReport {
  userId: string;
  disposed: number;
  errors: unknown[];
}

/**
 * Opens a user's session on their first request (building their per-user functions), keeps its
 * activity, and ends it: every per-user instance's cleanup, once, in reverse creation order.
 */
@Injectable()
export class SessionLifecycle {
  private readonly logger = new Logger('Sessions');

  constructor(
    private readonly registry: SessionRegistry,
    private readonly catalog: FunctionCatalog,
    private readonly tracker: DurableInstanceTracker,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * The user's built session, with one request counted in flight until `release()`.
   * Concurrent first requests of one user share one build; different users build in parallel.
   */
  async acquire(userId: string): Promise<UserSession> {
    const session = this.registry.getOrCreate(userId);
    session.activeRequests++;
    session.totalRequests++;
    session.lastActivity = Date.now();
    session.ready ??= this.build(session);
    try {
      await session.ready;
    } catch (error) {
      this.release(session, 0, true);
      throw error;
    }
    return session;
  }

  /** The user's session, its build started; for callers that cannot wait (a ContextIdStrategy). */
  open(userId: string): UserSession {
    const session = this.registry.getOrCreate(userId);
    session.lastActivity = Date.now();
    session.ready ??= this.build(session);
    session.ready.catch(() => undefined); // a failed build is reported to whoever awaits it
    return session;
  }

  /** Ends one request of `session`. */
  release(session: UserSession, latencyMs: number, failed: boolean): void {
    session.activeRequests--;
    session.totalLatencyMs += latencyMs;
    if (failed) session.errorCount++;
    session.lastActivity = Date.now();
  }

  /** Ends `session` now: forgets it and disposes its instances. */
  async end(session: UserSession): Promise<SessionEndReport> {
    this.registry.remove(session);
    if (session.ended) return { userId: session.userId, disposed: 0, errors: [] };
    session.ended = true;
    await session.ready?.catch(() => undefined);
    return this.dispose(session);
  }

  private async dispose(session: UserSession): Promise<SessionEndReport> {
    const errors: unknown[] = [];
    // Instances Nest created later than the build (helpers resolved lazily) come after, so they go first.
    const tracked = new Set(session.instances);
    const all = [...session.instances, ...this.tracker.collect(session.contextId).filter((i) => !tracked.has(i))];
    for (const instance of all.reverse()) {
      try {
        await disposeInstance(instance);
      } catch (error) {
        errors.push(error);
        this.logger.error(`Cleanup of ${instance.constructor.name} for user '${session.userId}' failed: ${String((error as Error)?.message ?? error)}`);
      }
    }
    this.tracker.forget(session.contextId);
    session.functions.clear();
    session.instances.length = 0;
    return { userId: session.userId, disposed: all.length, errors };
  }

  /** Ends every session (shutdown). */
  async endAll(): Promise<SessionEndReport[]> {
    return Promise.all([...this.registry.values()].map((session) => this.end(session)));
  }

  private async build(session: UserSession): Promise<void> {
    this.moduleRef.registerRequestByContextId(session, session.contextId);
    try {
      const providers = new Map<string, object>();
      for (const fn of this.catalog.perUser) {
        const token = providerTokenOf(fn);
        let instance = providers.get(token);
        if (!instance) {
          instance = await this.moduleRef.resolve<object>(token, session.contextId, { strict: false });
          providers.set(token, instance);
        }
        session.functions.set(fn.name, new FunctionHandle(fn, instance));
      }
      session.instances.push(...this.tracker.collect(session.contextId));
    } catch (error) {
      // A half-built session is never used: dispose what was built and let the next request retry.
      this.registry.remove(session);
      session.ended = true;
      await this.dispose(session);
      throw error;
    }
  }
}

async function disposeInstance(instance: object): Promise<void> {
  const target = instance as { onSessionEnd?: () => unknown; [Symbol.asyncDispose]?: () => unknown };
  if (typeof target.onSessionEnd === 'function') await target.onSessionEnd();
  else if (typeof target[Symbol.asyncDispose] === 'function') await target[Symbol.asyncDispose]!();
}
