import { onAbort } from './abort.listeners';

/** How `runWithDeadline` bounds a call. */
export interface CallDeadline {
  /** Gives up after this long; unbounded when undefined. */
  timeoutMs?: number;
  /** Aborts the call's signal when it aborts, and lets the call finish (it should stop soon). */
  parent?: AbortSignal;
  /** Gives up on the call at once when this aborts (a cancelled run), with its reason. */
  abandonOn?: AbortSignal;
  /** The error of a call that ran out of time; also the abort reason its signal carries. */
  timeoutError: () => Error;
}

/**
 * Runs `work(signal)` and settles with it, unless the deadline passes or `abandonOn` aborts first:
 * then `signal` aborts and the call rejects at once, so a function that ignores its signal no longer holds
 * its caller (or its user's slot). What it still does afterwards is ignored.
 */
export function runWithDeadline<T>(work: (signal: AbortSignal) => Promise<T>, deadline: CallDeadline): Promise<T> {
  const { timeoutMs, parent, abandonOn, timeoutError } = deadline;
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let offParent: (() => void) | undefined;
    let offAbandon: (() => void) | undefined;
    const settle = (finish: () => void) => {
      clearTimeout(timer);
      offParent?.();
      offAbandon?.();
      finish();
    };
    const giveUp = (reason: unknown) =>
      settle(() => {
        controller.abort(reason);
        reject(reason);
      });
    const onParentAbort = () => controller.abort(parent!.reason);
    const onAbandon = () => giveUp(abandonOn!.reason);
    if (abandonOn?.aborted) return giveUp(abandonOn.reason);
    if (parent?.aborted) controller.abort(parent.reason);
    // A run's signals are shared by every execution in flight: see onAbort.
    if (parent) offParent = onAbort(parent, onParentAbort);
    if (abandonOn) offAbandon = onAbort(abandonOn, onAbandon);
    if (timeoutMs !== undefined) timer = setTimeout(() => giveUp(timeoutError()), timeoutMs);
    Promise.resolve()
      .then(() => work(controller.signal))
      .then(
        (value) => settle(() => resolve(value)),
        (error) => settle(() => reject(error)),
      );
  });
}

/** How `streamWithDeadline` bounds a stream. */
export interface StreamDeadline {
  /** Gives up this long after the stream was started (its first `next()`), however many items it yielded. */
  timeoutMs: number;
  /** The error the stream ends with when it runs out of time; also the abort reason its signal carries. */
  timeoutError: () => Error;
}

/**
 * `runWithDeadline` for a stream: the items of `source(signal)`, until the deadline passes. Then
 * `signal` aborts and the stream throws the timeout error at once — also while it awaits an item that
 * never comes — and `source` is closed without waiting for it, so a source that hangs mid-stream (and
 * ignores its signal) no longer holds its consumer, nor what the consumer holds (a user's slot).
 * The deadline bounds the whole stream, not the gap between two items.
 */
export async function* streamWithDeadline<T>(source: (signal: AbortSignal) => AsyncIterable<T>, deadline: StreamDeadline): AsyncGenerator<T> {
  const controller = new AbortController();
  let expired: Error | undefined;
  // Ends the one wait in progress (for an item, or for the source to close) when the deadline passes.
  let giveUp: ((reason: Error) => void) | undefined;
  const timer = setTimeout(() => {
    expired = deadline.timeoutError();
    controller.abort(expired);
    giveUp?.(expired);
  }, deadline.timeoutMs);
  const untilDeadline = <R>(work: Promise<R>): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      if (expired) return reject(expired);
      giveUp = reject;
      work.then(resolve, reject);
    });
  const iterator = source(controller.signal)[Symbol.asyncIterator]();
  let finished = false;
  try {
    while (true) {
      if (expired) throw expired; // ran out while the consumer held the last item: the source is not asked again
      const next = await untilDeadline(iterator.next());
      if (next.done) {
        finished = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // A consumer that stops early closes the source (its `finally` runs) before going on, unless the
    // deadline passes first: a source stuck in an item would hold its `return()` for ever.
    if (!finished) await untilDeadline(Promise.resolve(iterator.return?.())).catch(() => undefined);
    clearTimeout(timer);
  }
}
