import { LoopYielder } from './loop.yielder';

/** Runs this long are sorted in one go (well under a slice); longer ones are merged a step at a time. */
const RUN_LENGTH = 512;

/**
 * `items` sorted by `compare` (stably), giving the event loop a turn between slices: a bottom-up
 * merge sort, since `Array.prototype.sort` over 100,000 items holds the loop for most of a second.
 */
export async function sortYielding<T>(items: readonly T[], compare: (a: T, b: T) => number, yielder = new LoopYielder()): Promise<T[]> {
  let source = items.slice();
  for (let start = 0; start < source.length; start += RUN_LENGTH) {
    await yielder.yieldIfDue();
    const run = source.slice(start, start + RUN_LENGTH).sort(compare);
    for (let i = 0; i < run.length; i++) source[start + i] = run[i];
  }
  let target = new Array<T>(source.length);
  for (let width = RUN_LENGTH; width < source.length; width *= 2) {
    for (let left = 0; left < source.length; left += 2 * width) {
      const middle = Math.min(left + width, source.length);
      const end = Math.min(left + 2 * width, source.length);
      for (let i = left, j = middle, k = left; k < end; k++) {
        if ((k & 1023) === 0) await yielder.yieldIfDue();
        target[k] = j >= end || (i < middle && compare(source[i], source[j]) <= 0) ? source[i++] : source[j++];
      }
    }
    [source, target] = [target, source];
  }
  return source;
}
