import { AsyncLocalStorage } from 'node:async_hooks';
import { UserSession } from './user-session';

/**
 * What runs now: the user's session (absent in a shared call outside any user), the function called
 * last, and the scope another library keeps for the call (token accounting's), opaque here.
 */
interface CallContext {
  session?: UserSession;
  functionName?: string;
  scope?: object;
}

// The process's one store: on Node 20 each AsyncLocalStorage in use costs every promise a hook call and a
// property, so token accounting keeps its scope here (see `runInCallScope`) instead of in a store of its own.
const storage = new AsyncLocalStorage<CallContext>();

// On Node 20, AsyncLocalStorage hooks every promise of the process once it is in use (about 15% of
// /generate's throughput in bench/), so it is switched on only where something reads it.
let tracking = false;

/**
 * Makes `currentSession()` work from now on. The runtime calls it at startup when the config has
 * LLMs (token accounting needs it) or `general.track_current_session: true`.
 */
export function trackCurrentSession(): void {
  tracking = true;
}

/**
 * The session of the user whose request is running, across every await inside it — also inside
 * shared functions that a per-user function calls. What token accounting attributes usage to.
 * Undefined outside a request, and when tracking is off (see `trackCurrentSession`).
 */
export function currentSession(): UserSession | undefined {
  return tracking ? storage.getStore()?.session : undefined;
}

/**
 * The configured function whose call is running, across its awaits (what a fault is attributed
 * to). Undefined outside a function call, and when tracking is off.
 */
export function currentFunctionName(): string | undefined {
  return tracking ? storage.getStore()?.functionName : undefined;
}

/** Whether `currentSession()` is tracked in this process. */
export function isTrackingCurrentSession(): boolean {
  return tracking;
}

/** Runs `work` as `session`'s (in the same call scope). */
export function runAsSession<T>(session: UserSession, work: () => T): T {
  return tracking ? storage.run({ session, scope: storage.getStore()?.scope }, work) : work();
}

/** Runs `work` as a call of the function `name`, for the same session (when tracking is on), in the same call scope. */
export function runAsFunction<T>(name: string, work: () => T): T {
  if (!tracking) return work();
  const current = storage.getStore();
  return storage.run({ session: current?.session, functionName: name, scope: current?.scope }, work);
}

/**
 * @internal Runs `work` with `scope` as its call scope, across its awaits, in the same session and
 * function; whether or not the session is tracked. For a library that keeps something per call
 * (token accounting's `measure()` scopes): one store for the process instead of one more.
 */
export function runInCallScope<T>(scope: object, work: () => T): T {
  const current = storage.getStore();
  return storage.run({ session: current?.session, functionName: current?.functionName, scope }, work);
}

/** @internal The call scope `runInCallScope` set for the work running now, if any. */
export function callScope(): object | undefined {
  return storage.getStore()?.scope;
}

/**
 * Runs `work`, and what it starts, outside every session, function and call scope: for work done on
 * nobody's behalf whoever asked for it (ending a session), so that it is neither seen as the caller's
 * session nor billed to its scope.
 */
export function outsideCallContext<T>(work: () => T): T {
  return storage.getStore() === undefined ? work() : storage.exit(work);
}

/** Iterates `source` with every step running as `session`'s (a generator resumes in its caller's context). */
export async function* runAsSessionStream<T>(session: UserSession, source: AsyncIterable<T>): AsyncGenerator<T> {
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
