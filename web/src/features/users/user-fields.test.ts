import { describe, expect, it } from 'vitest';
import { fieldRowsOf, rowOfField, userBodyOf } from './user-fields';

describe('fieldRowsOf', () => {
  it('shows nested fields as dotted paths and keeps each value its type', () => {
    expect(
      fieldRowsOf({ id: 'alice', name: 'Alice', role: 'Manager', preferences: { platform: 'LinkedIn', tone: 'warm' }, age: 41, admin: false, tags: ['a'], notes: {} }),
    ).toEqual([
      { path: 'role', type: 'text', value: 'Manager' },
      { path: 'preferences.platform', type: 'text', value: 'LinkedIn' },
      { path: 'preferences.tone', type: 'text', value: 'warm' },
      { path: 'age', type: 'number', value: '41' },
      { path: 'admin', type: 'boolean', value: 'false' },
      { path: 'tags', type: 'json', value: '["a"]' },
      { path: 'notes', type: 'json', value: '{}' },
    ]);
  });
});

describe('userBodyOf', () => {
  it('nests dotted paths again and parses typed values', () => {
    const rows = fieldRowsOf({ id: 'a', name: 'A', preferences: { platform: 'LinkedIn' }, age: 41, admin: true, tags: ['x'] });
    expect(userBodyOf({ name: 'A', rows: [...rows, { path: 'preferences.tone', type: 'text', value: 'warm' }] })).toEqual({
      body: { name: 'A', preferences: { platform: 'LinkedIn', tone: 'warm' }, age: 41, admin: true, tags: ['x'] },
    });
    expect(userBodyOf({ id: ' ann ', name: 'Ann', rows: [] })).toEqual({ body: { id: 'ann', name: 'Ann' } });
  });

  it('says what is wrong with each row, by index, and with the name', () => {
    const result = userBodyOf({
      name: ' ',
      rows: [
        { path: '', type: 'text', value: 'x' },
        { path: 'a..b', type: 'text', value: 'x' },
        { path: 'profile.__proto__', type: 'text', value: 'x' },
        { path: 'id', type: 'text', value: 'x' },
        { path: 'age', type: 'number', value: 'old' },
        { path: 'data', type: 'json', value: '{oops' },
        { path: 'prefs', type: 'text', value: 'x' },
        { path: 'prefs.tone', type: 'text', value: 'warm' },
        { path: 'role', type: 'text', value: 'a' },
        { path: 'role', type: 'text', value: 'b' },
      ],
    });
    expect('errors' in result && result.errors).toEqual({
      name: 'The name is required.',
      rows: new Map([
        [0, 'Name the field, or remove the row.'],
        [1, 'A field path has no empty parts: write preferences.platform.'],
        [2, "'__proto__' is not allowed as a key."],
        [3, "'id' is set above, not as a field."],
        [4, "'old' is not a number."],
        [5, 'Not valid JSON (a string needs quotes: "text").'],
        [6, "'prefs' cannot hold a value and the field 'prefs.tone' too."],
        [9, "'role' is set twice."],
      ]),
    });
  });
});

describe('rowOfField', () => {
  it("finds the row a server error's field names: its path, or a path holding that key", () => {
    const rows = [
      { path: 'role', type: 'text' as const, value: '' },
      { path: 'profile.constructor', type: 'text' as const, value: '' },
    ];
    expect(rowOfField(rows, 'role')).toBe(0);
    expect(rowOfField(rows, 'constructor')).toBe(1);
    expect(rowOfField(rows, 'nothing')).toBeUndefined();
  });
});
