/** The longest single `delete` while emptying a hash table, and how many entries were left then. */
export interface ShrinkCost {
  longestDeleteMs: number;
  entriesLeft: number;
}

/**
 * Empties a WeakMap (or a Map) of `entries` object keys one `delete` at a time, as ending sessions
 * one by one does, and reports the slowest delete. V8 rehashes a hash table into a smaller one
 * inside the `delete` that leaves it a quarter full: one call that costs time proportional to the
 * entries left. Nest keeps one WeakMap per request-scoped provider, keyed by ContextId.
 */
export function hashTableShrinkCost(kind: 'WeakMap' | 'Map', entries: number): ShrinkCost {
  const keys = Array.from({ length: entries }, (_, id) => ({ id }));
  const table = kind === 'WeakMap' ? new WeakMap<object, object>() : new Map<object, object>();
  for (const key of keys) table.set(key, { instance: key });
  let longestDeleteMs = 0;
  let entriesLeft = 0;
  keys.forEach((key, at) => {
    const started = performance.now();
    table.delete(key);
    const ms = performance.now() - started;
    if (ms > longestDeleteMs) [longestDeleteMs, entriesLeft] = [ms, entries - at - 1];
  });
  return { longestDeleteMs, entriesLeft };
}
