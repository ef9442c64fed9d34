/** The callbacks waiting on each shared signal, behind the one listener it is given. */
const waiting = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Calls `listener` once when `signal` aborts (never if it has already aborted, as with
 * `addEventListener`, and the same listener twice is one); returns what takes it off again. For a signal many calls wait on at once (a
 * batch run's, with one call per execution in flight): Node's EventTarget walks every listener of a
 * signal on each add and remove, 9 µs a pair with 100 in flight (bench/RESULTS.md); here the signal
 * has one listener and the calls a Set.
 */
export function onAbort(signal: AbortSignal, listener: () => void): () => void {
  let listeners = waiting.get(signal);
  if (!listeners) {
    const created = new Set<() => void>();
    waiting.set(signal, created);
    signal.addEventListener('abort', () => notify(created), { once: true });
    listeners = created;
  }
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

function notify(listeners: Set<() => void>): void {
  const called = [...listeners];
  listeners.clear();
  for (const listener of called) {
    try {
      listener();
    } catch (error) {
      // As EventTarget does: a listener that throws is an uncaught exception, and the others still run.
      process.nextTick(() => {
        throw error;
      });
    }
  }
}
