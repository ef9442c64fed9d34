import { LoopYielder } from './loop.yielder';

/** How many items are handled between two looks at the clock: a look costs more than one item. */
const CHECK_EVERY = 256;

/**
 * Calls `visit` on each of `items`, giving the event loop a turn whenever a slice is used up:
 * touching 100,000 records in one go holds the loop for tens of milliseconds.
 */
export async function eachYielding<T>(items: Iterable<T>, visit: (item: T) => void, yielder = new LoopYielder()): Promise<void> {
  let seen = 0;
  for (const item of items) {
    visit(item);
    if (++seen % CHECK_EVERY === 0) await yielder.yieldIfDue();
  }
}

/** `items` mapped by `map`, in slices of the event loop as `eachYielding` does. */
export async function mapYielding<T, U>(items: Iterable<T>, map: (item: T) => U, yielder = new LoopYielder()): Promise<U[]> {
  const mapped: U[] = [];
  await eachYielding(items, (item) => mapped.push(map(item)), yielder);
  return mapped;
}

/** `items` by `key`, built in slices of the event loop as `eachYielding` does. */
export async function indexYielding<T>(items: Iterable<T>, key: (item: T) => string, yielder = new LoopYielder()): Promise<Map<string, T>> {
  const index = new Map<string, T>();
  await eachYielding(items, (item) => index.set(key(item), item), yielder);
  return index;
}
