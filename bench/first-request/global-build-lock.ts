import { SessionLifecycle, SessionRegistry } from '@userscope/runtime';

/** A FIFO async mutex: `run` starts its task once every task queued before it has settled. */
export class AsyncMutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Bench only: makes a running Userscope build new users' sessions one at a time, behind one global
 * lock, as NAT's SessionManager does (`async with self._per_user_builders_lock:` around creating a
 * user's builder). Requests of users whose session exists pass by the lock. Patches this one
 * instance; libs/ are untouched.
 */
export function serializeNewUserBuilds(lifecycle: SessionLifecycle, registry: SessionRegistry): void {
  const mutex = new AsyncMutex();
  const acquire = lifecycle.acquire.bind(lifecycle);
  lifecycle.acquire = (userId: string) => (registry.get(userId) ? acquire(userId) : mutex.run(() => acquire(userId)));
}
