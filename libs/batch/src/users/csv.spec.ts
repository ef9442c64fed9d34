import { csvDocument } from '@userscope/runtime';
import { flatten, parseCsv } from './csv';
import { badCsvColumn, userFromCsv } from './user.record';

describe('CSV', () => {
  it('parses quoted commas, quotes and newlines, CRLF, a BOM and blank lines', () => {
    const text = '\uFEFFid,name,bio\r\nalice,"Johnson, Alice","says ""hi""\nand bye"\r\n\r\nbob,Bob,\n';
    expect(parseCsv(text)).toEqual({
      rows: [
        ['id', 'name', 'bio'],
        ['alice', 'Johnson, Alice', 'says "hi"\nand bye'],
        ['bob', 'Bob', ''],
      ],
      lines: [1, 2, 5],
      sources: ['id,name,bio', 'alice,"Johnson, Alice","says ""hi""\nand bye"', 'bob,Bob,'],
    });
  });

  it('refuses an unterminated quote', () => {
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow('unterminated quoted field starting on line 2');
  });

  it('writes what it reads, with a BOM and CRLF', () => {
    const doc = csvDocument(['id', 'note'], [['a', 'x, "y"\nz']]);
    expect(doc.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(doc).rows).toEqual([['id', 'note'], ['a', 'x, "y"\nz']]);
  });

  it('maps dotted columns to nested fields and flattens them back', () => {
    const user = userFromCsv(['id', 'name', 'preferences.platform', 'empty'], ['a', 'A', 'LinkedIn', '']);
    expect(user).toEqual({ id: 'a', name: 'A', preferences: { platform: 'LinkedIn' } });
    expect(flatten({ result: { hook: 'h', tags: ['x'] } })).toEqual({ 'result.hook': 'h', 'result.tags': '["x"]' });
  });

  it('never follows a column into a prototype', () => {
    expect(badCsvColumn(['name', 'a.b'])).toBeUndefined();
    expect(badCsvColumn(['name', '__proto__.polluted'])).toBe('__proto__.polluted');
    expect(badCsvColumn(['name', 'a..b'])).toBe('a..b');
    expect(badCsvColumn(['name', ''])).toBeUndefined();
    expect(userFromCsv(['name', ''], ['A', 'no column name'])).toEqual({ name: 'A' });
    expect(userFromCsv(['name', '__proto__.polluted', 'constructor.x'], ['A', 'yes', 'yes'])).toEqual({ name: 'A' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
