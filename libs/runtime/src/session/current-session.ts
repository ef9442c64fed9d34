import { AsyncLocalStorage } from 'node:async_hooks';
import { UserSession } from './user-session';

const storage = new AsyncLocalStorage<UserSession>();

/**
 * The session of the user whose request is running, across every await inside it — also inside
 * shared functions that a per-user function calls. What token accounting attributes usage to.
 */
export function currentSession(): UserSession | undefined {
  return storage.getStore();
}

/** Runs `work` as `session`'s. */
export function runAsSession<T>(session: UserSession, work: () => T): T {
  return storage.run(session, work);
}
