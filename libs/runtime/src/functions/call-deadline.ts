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
    const settle = (finish: () => void) => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
      abandonOn?.removeEventListener('abort', onAbandon);
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
    parent?.addEventListener('abort', onParentAbort, { once: true });
    abandonOn?.addEventListener('abort', onAbandon, { once: true });
    if (timeoutMs !== undefined) timer = setTimeout(() => giveUp(timeoutError()), timeoutMs);
    Promise.resolve()
      .then(() => work(controller.signal))
      .then(
        (value) => settle(() => resolve(value)),
        (error) => settle(() => reject(error)),
      );
  });
}
