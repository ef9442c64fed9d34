/**
 * `source`, calling `release` once when it ends, throws, or is closed (`return()`), also when it is
 * closed before its first item: what an async generator's `finally` cannot do, as a generator never
 * started runs no code.
 */
export function releasedWhenClosed<T>(source: AsyncIterable<T>, release: () => void): AsyncIterable<T> {
  let released = false;
  const releaseOnce = () => {
    if (released) return;
    released = true;
    release();
  };
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const iterator = source[Symbol.asyncIterator]();
      return {
        async next() {
          try {
            const next = await iterator.next();
            if (next.done) releaseOnce();
            return next;
          } catch (error) {
            releaseOnce();
            throw error;
          }
        },
        async return(value?: unknown) {
          try {
            return (await iterator.return?.(value)) ?? { done: true, value: undefined };
          } finally {
            releaseOnce();
          }
        },
      };
    },
  };
}
