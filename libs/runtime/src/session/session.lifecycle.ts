import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { functionGroupToken, USERSCOPE_CONFIG } from '../runtime.constants';
import { UserscopeConfig } from '../config/userscope-config.interface';
import { SessionLimitError } from '../exceptions/invocation.exception';
import { ConcurrencyLimiter } from './concurrency.limiter';
import { ModuleRef } from '@nestjs/core';
import { providerTokenOf } from '../functions/configured-function.providers';
import { FunctionCatalog } from '../functions/function.catalog';
import { FunctionHandle } from '../functions/function-handle';
import { DurableInstanceTracker } from './durable-instance.tracker';
import { SessionInstanceBuilder } from './session-instances.builder';
import { SessionRegistry } from './session.registry';
import { NO_GROUPS, UserSession } from './user-session';
import { isTrackingCurrentSession, outsideCallContext, runAsSession, runAsSessionStream } from './current-session';
import { ShutdownProgress } from '../shutdown/shutdown-progress';
import { SessionBackends } from './ownership/session-backends';
import { isStateful } from './ownership/session-state.interface';
import { LeaseLostError } from '../exceptions/user-ownership.exception';
import type { LeaseLossCause } from './ownership/user-ownership.interface';

/** What ending a session did. */
export interface SessionEndReport {
  userId: string;
  disposed: number;
  errors: unknown[];
  /** Requests of the user still running (or queued) when the session ended without waiting for them. */
  abandonedRequests: number;
}

/** How `end()` treats the user's requests in flight. */
export interface SessionEndOptions {
  /** Wait for them to finish (default), for at most `drainTimeoutMs` when given. */
  waitForRequests?: boolean;
  drainTimeoutMs?: number;
  /** Drop Nest's per-context entries now (eviction drops them in bulk instead). */
  forget?: boolean;
}

/** Running totals, for /metrics. */
export interface SessionCounters {
  created: number;
  evicted: number;
  cleanupErrors: number;
}

/** How far the LRU cap looks for an idle user before answering 503. */
const LRU_SCAN_LIMIT = 10_000;

/**
 * Opens a user's session on their first request (building their per-user functions), admits its
 * requests within the per-user limits, and ends it: every per-user instance's cleanup, once, in
 * reverse creation order, after the user's requests in flight have finished.
 */
@Injectable()
export class SessionLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Sessions');
  private readonly limiter: ConcurrencyLimiter;
  private readonly maxSessions: number;
  private readonly gracePeriodMs: number;
  readonly counters: SessionCounters = { created: 0, evicted: 0, cleanupErrors: 0 };
  private readonly endListeners = new Set<(session: UserSession) => void>();

  constructor(
    private readonly registry: SessionRegistry,
    private readonly catalog: FunctionCatalog,
    private readonly tracker: DurableInstanceTracker,
    private readonly instances: SessionInstanceBuilder,
    private readonly moduleRef: ModuleRef,
    private readonly shutdown: ShutdownProgress,
    private readonly backends: SessionBackends,
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
  ) {
    const general = config.general;
    this.gracePeriodMs = general.shutdown_grace_period * 1000;
    this.maxSessions = general.max_sessions;
    this.limiter = new ConcurrencyLimiter(
      general.max_concurrency_per_user,
      general.max_queued_requests_per_user,
      general.queue_timeout * 1000,
    );
  }

  /**
   * The user's built session, with one request running until `release()`. Concurrent first
   * requests of one user share one build; different users build in parallel. Throws 503 at the
   * session cap with no idle user, 429 beyond the user's concurrency limit and queue.
   */
  async acquire(userId: string): Promise<UserSession> {
    const session = this.sessionOf(userId);
    session.totalRequests++;
    session.lastActivity = Date.now();
    if (!this.limiter.tryTake(session)) {
      try {
        await this.limiter.take(session);
      } catch (error) {
        session.errorCount++;
        throw error;
      }
    }
    if (session.built) {
      const check = this.leaseCheck(session);
      if (check) await check;
      return session;
    }
    session.ready ??= this.build(session);
    try {
      await session.ready;
    } catch (error) {
      this.release(session, 0, true);
      throw error;
    }
    return session;
  }

  /**
   * Only a claim not confirmed lately (the process was paused, say) is checked, before the call runs:
   * undefined on every other call. A failed check gives the request's slot back.
   */
  private leaseCheck(session: UserSession): Promise<void> | undefined {
    const check = session.lease && this.backends.ownership.verify?.(session.lease);
    return check?.catch((error: unknown) => {
      this.release(session, 0, true);
      throw error;
    });
  }

  /**
   * Runs `work` as one request of `userId`: admitted within the user's limits (see `acquire`), given
   * the user's built session, with `currentSession()` set, and released with its latency and
   * whether it failed. Every place that runs something as a user goes through here. `arg` is passed
   * on to `work`, so a hot caller can pass one function made once instead of a closure per call.
   */
  runAs<T, A = undefined>(userId: string, work: (session: UserSession, arg: A) => T | Promise<T>, arg?: A): Promise<T> {
    const started = performance.now();
    const session = this.registry.get(userId);
    // The common case, a built session with a free slot (every request of a user but the first), runs
    // `work` without an await, as one promise chain: no async layers on every request's path.
    if (session?.built && this.limiter.tryTake(session)) {
      // Its place in the LRU order and its last activity move when it ends (`release`): a request in
      // flight keeps the session from the sweep and the LRU cap anyway, and one move per request is enough.
      session.totalRequests++;
      const check = this.leaseCheck(session);
      if (check) return check.then(() => this.runAcquired(session, work, arg as A, started));
      return this.runAcquired(session, work, arg as A, started);
    }
    return this.acquire(userId).then((acquired) => this.runAcquired(acquired, work, arg as A, started));
  }

  /** `work` on an acquired session, released however it ends; saved state is checkpointed first. */
  private runAcquired<T, A>(session: UserSession, work: (session: UserSession, arg: A) => T | Promise<T>, arg: A, started: number): Promise<T> {
    const failed = (error: unknown): never => {
      this.release(session, performance.now() - started, true);
      throw error;
    };
    const succeeded = (output: T): T => {
      this.release(session, performance.now() - started, false);
      return output;
    };
    let output: T | Promise<T>;
    try {
      output = isTrackingCurrentSession() ? runAsSession(session, () => work(session, arg)) : work(session, arg); // no closure when nothing reads it
    } catch (error) {
      this.release(session, performance.now() - started, true);
      return Promise.reject(error);
    }
    return Promise.resolve(output).then((value) => (session.saved ? this.checkpoint(session).then(() => succeeded(value), failed) : succeeded(value)), failed);
  }

  /**
   * `runAs` for a stream: the items of `source(session)`, each step run as `userId`'s. The session
   * is acquired when iteration starts (an iterator never started holds nothing) and released when it
   * ends, also when the consumer stops early (which closes `source`).
   */
  async *runAsStream<T>(userId: string, source: (session: UserSession) => AsyncIterable<T>): AsyncGenerator<T> {
    const started = performance.now();
    const session = await this.acquire(userId);
    let failed = true;
    try {
      yield* runAsSessionStream(session, source(session));
      if (session.saved) await this.checkpoint(session);
      failed = false;
    } finally {
      this.release(session, performance.now() - started, failed);
    }
  }

  /** The user's session, its build started; for callers that cannot wait (a ContextIdStrategy). */
  open(userId: string): UserSession {
    const session = this.sessionOf(userId);
    session.lastActivity = Date.now();
    session.ready ??= this.build(session);
    session.ready.catch(() => undefined); // a failed build is reported to whoever awaits it
    return session;
  }

  /** Ends one request of `session`. */
  release(session: UserSession, latencyMs: number, failed: boolean): void {
    this.limiter.give(session);
    session.completedRequests++;
    session.totalLatencyMs += latencyMs;
    if (failed) session.errorCount++;
    session.lastActivity = Date.now();
    this.registry.touch(session);
    if (session.ended && isIdle(session)) session.drained?.();
  }

  /**
   * Ends `session`: forgets it at once (a new request starts a fresh session), lets its requests in
   * flight finish (for at most `drainTimeoutMs`), then disposes its instances. It runs on nobody's
   * behalf, whoever asks (another user's request making room, a lease check inside a request, an admin):
   * the cleanups see no caller's session and are billed to no caller's token-accounting scope.
   */
  end(session: UserSession, options: SessionEndOptions = {}): Promise<SessionEndReport> {
    return outsideCallContext(() => this.ending(session, options));
  }

  private async ending(session: UserSession, { waitForRequests = true, drainTimeoutMs, forget = true }: SessionEndOptions): Promise<SessionEndReport> {
    this.registry.remove(session);
    if (session.ended) return { userId: session.userId, disposed: 0, errors: [], abandonedRequests: 0 };
    session.ended = true;
    if (waitForRequests && !isIdle(session)) await drain(session, drainTimeoutMs);
    const abandonedRequests = session.activeRequests + session.waiting.length;
    await session.ready?.catch(() => undefined);
    const report = await this.dispose(session, forget);
    for (const listener of this.endListeners) listener(session);
    return { ...report, abandonedRequests };
  }

  /**
   * Calls `listener` after each session has ended (eviction, `DELETE /api/users/{id}`, shutdown), its
   * instances disposed: for what is bound to a user's session without being one of its instances
   * (an MCP server session). Returns the call that stops listening.
   */
  onSessionEnded(listener: (session: UserSession) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  /**
   * Ends every session (shutdown). The HTTP server has closed by then, so a request still running
   * outlived the grace period: its session is cleaned up without waiting for it.
   */
  async endAll(): Promise<SessionEndReport[]> {
    const sessions = [...this.registry.values()];
    const running = sessions.filter((session) => !isIdle(session)).map((session) => `'${session.userId}'`);
    if (running.length > 0) this.logger.warn(`Abandoned at shutdown: requests still running past the grace period, of user(s) ${running.join(', ')}`);
    return Promise.all(sessions.map((session) => this.shutdown.track(`cleanup of user '${session.userId}'`, this.end(session, { waitForRequests: false }))));
  }

  /**
   * Ends the sessions idle since before `cutoff` (ms epoch), least recently used first, yielding to
   * the event loop every `chunk` sessions so a large sweep never blocks requests for long.
   */
  async evictIdleSince(cutoff: number, chunk = 200): Promise<number> {
    let evicted = 0;
    const ending: Promise<SessionEndReport>[] = [];
    const ended: UserSession[] = [];
    const settle = async () => {
      await Promise.all(ending.splice(0));
      // Nest's per-context entries are dropped for the whole chunk, one provider per event-loop turn:
      // each such delete may shrink (rehash) that provider's table, and one at a time stays short.
      await this.tracker.forgetMany(ended.splice(0).map((session) => session.contextId), yieldToEventLoop);
    };
    for (const session of this.registry.values()) {
      // The registry's Map rehashes in the removal that takes it below a quarter of its table, a power of
      // two (~5-15 ms at 65,536 sessions): that session ends in a turn of its own, apart from a chunk's.
      const mayShrink = isPowerOfTwo(this.registry.size);
      if (mayShrink && ending.length > 0) {
        await settle();
        await yieldToEventLoop();
      }
      if (session.lastActivity > cutoff) break; // ordered by last use: the rest are newer
      if (!isIdle(session)) continue;
      ending.push(this.end(session, { forget: false }));
      ended.push(session);
      if (++evicted % chunk === 0 || mayShrink) {
        await settle();
        await yieldToEventLoop();
      }
    }
    await settle();
    this.counters.evicted += evicted;
    return evicted;
  }

  async onApplicationShutdown(): Promise<void> {
    const reports = await this.endAll();
    if (reports.length > 0) this.logger.log(`Ended ${reports.length} user session(s) at shutdown`);
  }

  private sessionOf(userId: string): UserSession {
    const existing = this.registry.get(userId);
    if (existing) {
      this.registry.touch(existing);
      return existing;
    }
    if (this.registry.size >= this.maxSessions) this.evictLeastRecentlyUsed();
    this.counters.created++;
    return this.registry.getOrCreate(userId);
  }

  /** Makes room for a new user by ending the least recently used idle one; 503 when none is idle. */
  private evictLeastRecentlyUsed(): void {
    let scanned = 0;
    for (const session of this.registry.values()) {
      if (isIdle(session)) {
        this.counters.evicted++;
        void this.end(session);
        return;
      }
      if (++scanned >= LRU_SCAN_LIMIT) break;
    }
    throw new SessionLimitError(this.maxSessions, 1);
  }

  private async dispose(session: UserSession, forget = true): Promise<Omit<SessionEndReport, 'abandonedRequests'>> {
    const errors: unknown[] = [];
    // Instances Nest created later than the build (helpers resolved lazily) come after, so they go first.
    const tracked = new Set(session.instances);
    const all = [...session.instances, ...this.tracker.collect(session.contextId).filter((i) => !tracked.has(i))];
    for (const instance of all.reverse()) {
      try {
        await disposeInstance(instance);
      } catch (error) {
        errors.push(error);
        this.counters.cleanupErrors++;
        this.logger.error(`Cleanup of ${instance.constructor.name} for user '${session.userId}' failed: ${String((error as Error)?.message ?? error)}`);
      }
    }
    if (forget) this.tracker.forget(session.contextId);
    session.functions.clear();
    session.groups = NO_GROUPS;
    session.instances.length = 0;
    session.saved = undefined;
    if (session.lease && !session.leaseLost) await this.backends.ownership.release(session.lease);
    return { userId: session.userId, disposed: all.length, errors };
  }

  /** Gives the user's stateful instances their saved states; from then on each call is checkpointed. */
  private async restore(session: UserSession, providers: Map<string, object>): Promise<void> {
    const states = await this.backends.state.load(session.userId);
    session.saved = [];
    for (const [key, instance] of providers) {
      if (!isStateful(instance)) continue;
      const state = states.get(key);
      if (state !== undefined) await instance.restoreState(state);
      session.saved.push({ key, instance, saved: state === undefined ? undefined : JSON.stringify(state) });
    }
    if (session.saved.length === 0) session.saved = undefined;
  }

  /**
   * Saves the states a call changed, before its reply goes out: an acknowledged change is durable.
   * Checkpoints of one user run one after another, each reading the states when its turn comes.
   * A refused write means another process owns the user now: the instances here go.
   */
  private checkpoint(session: UserSession): Promise<void> {
    const next = (session.checkpointed ?? Promise.resolve()).catch(() => undefined).then(() => this.saveChanged(session));
    session.checkpointed = next;
    return next;
  }

  private async saveChanged(session: UserSession): Promise<void> {
    if (!session.saved || !session.lease) return;
    const changed = new Map<string, string>();
    const texts: string[] = [];
    for (const entry of session.saved) {
      const text = JSON.stringify(entry.instance.saveState());
      texts.push(text);
      if (text !== entry.saved) changed.set(entry.key, text);
    }
    if (changed.size === 0) {
      this.backends.state.touch?.(session.lease);
      return;
    }
    try {
      await this.backends.state.save(session.lease, changed);
    } catch (error) {
      if (error instanceof LeaseLostError) this.onLeaseLost(session);
      else this.onCheckpointFailed(session);
      throw error;
    }
    session.saved.forEach((entry, i) => (entry.saved = texts[i]));
  }

  /**
   * A change could not be saved (the store is down, the state too large) and its caller gets the
   * error: the instances holding it go, so the user is served next from what was saved and a retry
   * does not apply the change twice.
   */
  private onCheckpointFailed(session: UserSession): void {
    if (session.ended) return;
    this.logger.warn(`A change of user '${session.userId}' could not be saved; the user's instances are rebuilt from their last saved state on the next request`);
    void this.end(session, { drainTimeoutMs: this.gracePeriodMs });
  }

  /**
   * The claim on the user is gone (another process holds it, or it could not be renewed in time): end
   * the session here without giving up a lease it no longer holds. A claim taken is said per user; the
   * ownership says those it could not renew in one line, since a Redis outage loses every user's at once.
   */
  private onLeaseLost(session: UserSession, cause: LeaseLossCause = 'taken'): void {
    if (session.leaseLost) return;
    session.leaseLost = true;
    if (cause === 'taken') this.logger.warn(`Lost the claim on user '${session.userId}' to another replica; dropping the user's instances here`);
    void this.end(session, { drainTimeoutMs: this.gracePeriodMs });
  }

  private async build(session: UserSession): Promise<void> {
    this.moduleRef.registerRequestByContextId(session, session.contextId);
    try {
      session.lease = await this.backends.ownership.claim(session.userId, (cause) => this.onLeaseLost(session, cause));
      const { byToken: providers, ordered } = await this.instances.build(session);
      for (const fn of this.catalog.perUser) session.functions.set(fn.name, new FunctionHandle(fn, providers.get(providerTokenOf(fn))!));
      const discovered = this.catalog.perUserDiscoveredGroups;
      if (discovered.length > 0) session.groups = new Map(discovered.map((group) => [group.name, providers.get(functionGroupToken(group.name))!]));
      session.instances.push(...ordered);
      if (this.backends.state.persistent) await this.restore(session, providers);
      session.built = true;
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

/** Resolves when the ended session's last request finishes, or after `timeoutMs`. */
function drain(session: UserSession, timeoutMs: number | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(resolve, timeoutMs);
    session.drained = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

/** No request of the session is running or waiting. */
function isIdle(session: UserSession): boolean {
  return session.activeRequests === 0 && session.waiting.length === 0;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
