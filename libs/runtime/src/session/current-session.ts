import { AsyncLocalStorage } from 'node:async_hooks';
import { UserSession } from './user-session';

/** What runs now: the user's session (absent in a shared call outside any user) and the function called last. */
interface CallContext {
  session?: UserSession;
  functionName?: string;
}

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

/** Runs `work` as `session`'s. */
export function runAsSession<T>(session: UserSession, work: () => T): T {
  return tracking ? storage.run({ session }, work) : work();
}

/** Runs `work` as a call of the function `name`, for the same session (when tracking is on). */
export function runAsFunction<T>(name: string, work: () => T): T {
  return tracking ? storage.run({ session: storage.getStore()?.session, functionName: name }, work) : work();
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
