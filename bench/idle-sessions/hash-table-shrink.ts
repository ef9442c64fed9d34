/** The cost of emptying a hash table one `delete` at a time. */
export interface ShrinkCost {
  /** The slowest of the deletes that leave a table where V8 shrinks it (see `shrinkPoint`); 0 for split tables. */
  shrinkMs: number;
  /** Entries left after that delete. */
  shrinkEntriesLeft: number;
  /** The slowest `chunk` deletes in a row: what one turn of a sweep ending `chunk` sessions would spend. */
  longestChunkMs: number;
  /** Entries left after that chunk. */
  chunkEntriesLeft: number;
}

/**
 * Empties a WeakMap (or a Map) of `entries` object keys one `delete` at a time, as ending sessions
 * one by one does. V8 rehashes a hash table into a smaller one inside the `delete` that leaves it a
 * quarter full: one call that costs time proportional to the table's size. Nest keeps one WeakMap per
 * request-scoped provider, keyed by ContextId; with `parts` > 1 the keys are spread at random over that
 * many WeakMaps, as Userscope's SplitContextMap spreads Nest's by the ContextIds' random ids. The slowest
 * single delete can be a GC on a busy machine, so the deletes at the shrink points are timed apart.
 */
export function hashTableShrinkCost(kind: 'WeakMap' | 'Map', entries: number, chunk: number, parts = 1): ShrinkCost {
  // Each key in a random part, as a ContextId's random id places it.
  const keys = Array.from({ length: entries }, () => ({ part: Math.floor(Math.random() * parts) }));
  const tables = Array.from({ length: parts }, () => (kind === 'WeakMap' ? new WeakMap<object, object>() : new Map<object, object>()));
  const tableOf = (key: { part: number }) => tables[key.part];
  for (const key of keys) tableOf(key).set(key, { instance: key });
  const cost: ShrinkCost = { shrinkMs: 0, shrinkEntriesLeft: 0, longestChunkMs: 0, chunkEntriesLeft: 0 };
  let chunkMs = 0;
  keys.forEach((key, at) => {
    const started = performance.now();
    tableOf(key).delete(key);
    const ms = performance.now() - started;
    const left = entries - at - 1;
    chunkMs += ms;
    if (parts === 1 && shrinkPoint(kind, left) && ms > cost.shrinkMs) [cost.shrinkMs, cost.shrinkEntriesLeft] = [ms, left];
    if ((at + 1) % chunk === 0 || left === 0) {
      if (chunkMs > cost.longestChunkMs) [cost.longestChunkMs, cost.chunkEntriesLeft] = [chunkMs, left];
      chunkMs = 0;
    }
  });
  return cost;
}

/**
 * Whether a delete leaving `left` entries can shrink the table: an EphemeronHashTable (a WeakMap's) shrinks
 * when at most a quarter of its power-of-two capacity is used, an OrderedHashMap (a Map's) below a quarter.
 */
function shrinkPoint(kind: 'WeakMap' | 'Map', left: number): boolean {
  const n = kind === 'WeakMap' ? left : left + 1;
  return n >= 16 && (n & (n - 1)) === 0;
}
