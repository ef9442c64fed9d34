import { ContextId, ContextIdFactory } from '@nestjs/core';
import { CONTEXT_MAP_PARTS, contextMapPartOf, SplitContextMap } from './split-context-map';

describe('SplitContextMap', () => {
  const contexts = (n: number): ContextId[] => Array.from({ length: n }, () => ContextIdFactory.create());

  it('gets, has, sets and deletes by ContextId as a WeakMap does', () => {
    const map = new SplitContextMap<string>(new WeakMap());
    const ids = contexts(100);
    ids.forEach((id, i) => map.set(id, `record ${i}`));
    expect(ids.map((id) => map.get(id))).toEqual(ids.map((_, i) => `record ${i}`));
    expect(map.has(ids[7])).toBe(true);
    expect(map.delete(ids[7])).toBe(true);
    expect(map.delete(ids[7])).toBe(false);
    expect([map.has(ids[7]), map.get(ids[7])]).toEqual([false, undefined]);
    expect(map.get(ContextIdFactory.create())).toBeUndefined();
    expect(map.set(ids[8], 'again')).toBe(map);
    expect(map.get(ids[8])).toBe('again');
  });

  it('keeps the entries of the map it replaces, each key in one place: set or delete here, and the old entry is gone', () => {
    const [built, rebuilt, dropped] = contexts(3);
    const before = new WeakMap<ContextId, string>([
      [built, 'built before'],
      [rebuilt, 'old record'],
      [dropped, 'to drop'],
    ]);
    const map = new SplitContextMap(before);
    expect([map.get(built), map.has(built)]).toEqual(['built before', true]);

    map.set(rebuilt, 'new record');
    expect([map.get(rebuilt), before.has(rebuilt)]).toEqual(['new record', false]);

    expect(map.delete(dropped)).toBe(true);
    expect([map.has(dropped), before.has(dropped)]).toEqual([false, false]);
    expect(map.delete(dropped)).toBe(false);
  });

  it('holds keys without a numeric id (a custom ContextIdStrategy’s) and refuses what a WeakMap refuses', () => {
    const map = new SplitContextMap<number>(new WeakMap());
    const odd = [{ id: 'user-1' }, {}, { id: Number.NaN }, { id: 1 }, { id: 42 }] as unknown as ContextId[];
    odd.forEach((key, i) => map.set(key, i));
    expect(odd.map((key) => map.get(key))).toEqual([0, 1, 2, 3, 4]);
    expect(() => map.set(1 as unknown as ContextId, 0)).toThrow(TypeError);
    expect(map.get(null as unknown as ContextId)).toBeUndefined();
    expect(map.delete(undefined as unknown as ContextId)).toBe(false);
  });

  it("spreads Nest's ContextIds over every part, evenly enough that no part's table is much larger than another's", () => {
    const counts = new Array<number>(CONTEXT_MAP_PARTS).fill(0);
    for (const id of contexts(16_000)) counts[contextMapPartOf(id)]++;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
    // Integer ids, as a strategy numbering its contexts, or timing or snowflaking them, would give, spread too.
    const sequences = {
      counter: (i: number) => i,
      timestamps: (i: number) => 1_764_700_000_000 + i * 1000,
      snowflakes: (i: number) => Number((BigInt(1_764_700_000_000 + i) << 22n) | BigInt(i % 4096)),
    };
    for (const [name, idOf] of Object.entries(sequences)) {
      const parts = new Array<number>(CONTEXT_MAP_PARTS).fill(0);
      for (let i = 0; i < 1600; i++) parts[contextMapPartOf({ id: idOf(i) })]++;
      expect({ name, fewest: Math.min(...parts) > 80, most: Math.max(...parts) < 120 }).toEqual({ name, fewest: true, most: true });
    }
  });
});
