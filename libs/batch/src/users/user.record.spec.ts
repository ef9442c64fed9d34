import { checkUser, idFromName, tooDeepCsvColumn } from './user.record';
import { UserIdAllocator } from './user-id.allocator';

describe('checkUser', () => {
  it('checks a user nested 200,000 levels deep (a --users file has no HTTP depth limit) without overflowing the stack', () => {
    let profile: Record<string, unknown> = { prototype: 1 };
    for (let i = 0; i < 200_000; i++) profile = { a: profile };
    expect(checkUser({ name: 'Deep', profile })).toEqual({ reason: "the key 'prototype' is not allowed", field: { field: 'prototype', errors: ['is not allowed as a key'] } });
  });
});

describe('tooDeepCsvColumn', () => {
  it('counts the user as level 1', () => {
    expect(tooDeepCsvColumn(['name', 'a.b.c'], 3)).toBeUndefined();
    expect(tooDeepCsvColumn(['name', 'a.b.c.d'], 3)).toBe('a.b.c.d');
  });
});

describe('ids from names', () => {
  it('makes an id from a name, with the first free suffix', () => {
    const taken = new Set(['alice-johnson', 'alice-johnson-2']);
    expect(idFromName('Alice Johnson', (id) => taken.has(id))).toBe('alice-johnson-3');
    expect(idFromName('  ***  ', () => false)).toBe('user');
  });

  it('gives 10,000 users of one name distinct ids in linear time (quadratic took ~5 s)', () => {
    const taken = new Set(['a-se-3']); // already in the directory: skipped
    let lookups = 0; // counted, not timed: a loaded machine cannot make it fail, a quadratic scan (~50M lookups) does
    const ids = new UserIdAllocator((id) => (lookups++, taken.has(id)));
    for (let i = 0; i < 10_000; i++) taken.add(ids.idFor('Åse'));
    expect(taken.size).toBe(10_001);
    expect([...taken].slice(0, 4)).toEqual(['a-se-3', 'a-se', 'a-se-2', 'a-se-4']);
    expect(taken.has('a-se-10001')).toBe(true);
    expect(lookups).toBeLessThan(2 * 10_000);
  });
});
