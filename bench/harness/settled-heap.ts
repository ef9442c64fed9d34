/** Heap usage steadier than this between two full collections counts as settled. */
const SETTLED_BYTES = 64 * 1024;
const MAX_PASSES = 6;

/**
 * `heapUsed` after full collections, repeated until it stops moving (weak references and
 * finalizers can need a second pass, and a turn of the event loop in between). Needs `--expose-gc`.
 */
export async function settledHeapUsed(): Promise<number> {
  const gc = globalThis.gc;
  if (typeof gc !== 'function') throw new Error('Heap measurements need node --expose-gc');
  let previous = Number.POSITIVE_INFINITY;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (Math.abs(previous - used) < SETTLED_BYTES) return used;
    previous = used;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return previous;
}
