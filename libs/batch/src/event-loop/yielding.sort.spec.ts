import { LoopYielder } from './loop.yielder';
import { sortYielding } from './yielding.sort';

describe('sortYielding', () => {
  it('sorts as Array.prototype.sort does, stably, at every length around the run and merge boundaries', async () => {
    for (const length of [0, 1, 2, 511, 512, 513, 1024, 1500, 5000]) {
      const items = Array.from({ length }, (_, i) => ({ key: (i * 7919) % 97, i }));
      const expected = [...items].sort((a, b) => a.key - b.key);
      expect(await sortYielding(items, (a, b) => a.key - b.key)).toEqual(expected);
    }
  });

  it('lets timers run while it sorts 100,000 items, and leaves the input as it was', async () => {
    const items = Array.from({ length: 100_000 }, (_, i) => `User ${(i * 7919) % 100_000}`);
    const copy = [...items];
    const collator = new Intl.Collator(undefined, { numeric: true });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const sorted = await sortYielding(items, collator.compare, new LoopYielder(5));
    clearInterval(timer);
    expect(sorted).toEqual([...items].sort(collator.compare));
    expect(items).toEqual(copy);
    expect(ticks).toBeGreaterThan(3);
  });
});
