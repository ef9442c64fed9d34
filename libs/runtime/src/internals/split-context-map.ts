import type { ContextId } from '@nestjs/core';

/** How many WeakMaps a provider's per-context records are split into: 2 ** PART_BITS. */
const PART_BITS = 4;
export const CONTEXT_MAP_PARTS = 1 << PART_BITS;

/**
 * A WeakMap keyed by ContextId, split into `CONTEXT_MAP_PARTS` WeakMaps by the context's `id`. Why: V8
 * rehashes a WeakMap inside the `delete` that leaves it a quarter full, a call whose cost grows with the
 * table (~10 ms at 65,536 of 100,000 sessions, bench/RESULTS.md, idle sessions). Split, each part holds a
 * sixteenth of the contexts, so each rehash costs a sixteenth, and the parts' rehashes fall on different
 * sessions of a sweep. Entries the map held before the split stay in it, each key in exactly one place.
 */
export class SplitContextMap<V> {
  private readonly parts = Array.from({ length: CONTEXT_MAP_PARTS }, () => new WeakMap<ContextId, V>());

  /** `before`: the map this one replaces; its entries are read from it until they are set or deleted here. */
  constructor(private readonly before: WeakMap<ContextId, V>) {}

  get(key: ContextId): V | undefined {
    const value = this.partOf(key).get(key);
    return value !== undefined ? value : this.before.get(key);
  }

  has(key: ContextId): boolean {
    return this.partOf(key).has(key) || this.before.has(key);
  }

  set(key: ContextId, value: V): this {
    this.partOf(key).set(key, value);
    this.before.delete(key);
    return this;
  }

  delete(key: ContextId): boolean {
    const here = this.partOf(key).delete(key);
    return this.before.delete(key) || here;
  }

  private partOf(key: ContextId): WeakMap<ContextId, V> {
    return this.parts[contextMapPartOf(key)];
  }
}

/**
 * The part of a SplitContextMap that holds `key`. Nest's ContextIds carry a random `id` that never changes;
 * a key without a numeric one goes to the first part.
 */
export function contextMapPartOf(key: unknown): number {
  const id = typeof key === 'object' && key !== null ? (key as { id?: unknown }).id : undefined;
  if (typeof id !== 'number' || !Number.isFinite(id)) return 0;
  // 32 bits of the id: an integer's low ones (a strategy's counter, a timestamp, a snowflake), a random
  // fraction's first ones. Fibonacci hashing in 32-bit integer arithmetic (a product in doubles loses
  // the low bits of large ids), whose high bits are the part: sequences spread evenly.
  const bits = Number.isInteger(id) ? id : Math.floor((id % 1) * 2 ** 32) ^ Math.trunc(id);
  return Math.imul(bits | 0, 0x9e3779b1) >>> (32 - PART_BITS);
}
