import { NEVER_ABORTED } from '@userscope/runtime';

/**
 * `work` with a signal of its own that aborts when the caller's does, the link removed when it ends.
 * The SDK adds an abort listener to each request's signal and never removes it, so the caller's
 * signal, which may be long-lived (a chat turn's, or the runtime's one signal of unbounded calls),
 * must never reach it. A caller's signal that cannot abort is not passed on at all.
 */
export async function withCallSignal<T>(signal: AbortSignal | undefined, work: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!signal || signal === NEVER_ABORTED) return work(undefined);
  const own = new AbortController();
  const abort = () => own.abort(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  try {
    return await work(own.signal);
  } finally {
    signal.removeEventListener('abort', abort);
  }
}
