import { checkUser, tooDeepCsvColumn } from './user.record';

describe('checkUser', () => {
  it('checks a user nested 200,000 levels deep (a --users file has no HTTP depth limit) without overflowing the stack', () => {
    let profile: Record<string, unknown> = { prototype: 1 };
    for (let i = 0; i < 200_000; i++) profile = { a: profile };
    expect(checkUser({ name: 'Deep', profile })).toEqual({ reason: "the key 'prototype' is not allowed" });
  });
});

describe('tooDeepCsvColumn', () => {
  it('counts the user as level 1', () => {
    expect(tooDeepCsvColumn(['name', 'a.b.c'], 3)).toBeUndefined();
    expect(tooDeepCsvColumn(['name', 'a.b.c.d'], 3)).toBe('a.b.c.d');
  });
});
