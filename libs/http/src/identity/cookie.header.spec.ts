import { readCookie } from './cookie.header';

/** The reading readCookie replaced: split on `;`, trim each name and value (kept as the reference). */
function splitReading(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
}

describe('readCookie', () => {
  it('reads a cookie among others, first match wins, quotes removed', () => {
    expect(readCookie('a=1; nat-session=alice; b=2', 'nat-session')).toBe('alice');
    expect(readCookie('nat-session=first; nat-session=second', 'nat-session')).toBe('first');
    expect(readCookie('nat-session="quoted"', 'nat-session')).toBe('quoted');
    expect(readCookie('nat-session=', 'nat-session')).toBe('');
    expect(readCookie('x-nat-session=a; nat-sessionx=b', 'nat-session')).toBeUndefined();
    expect(readCookie(undefined, 'nat-session')).toBeUndefined();
  });

  it('reads every header as splitting on ";" and trimming does, odd spacing and Unicode spaces included', () => {
    const pieces = ['nat-session', ' nat-session ', '\u00a0nat-session\t', 'nat-session\u3000', 'other', '=', ';', ' ', 'v', '"v"', '"', '\ufeff', 'a=b', '\u2028', ';;'];
    // Every header of up to four pieces (15^4 = 50,625) as both readings see it.
    let compared = 0;
    const differing: string[] = [];
    const build = (prefix: string, depth: number): void => {
      if (readCookie(prefix, 'nat-session') !== splitReading(prefix, 'nat-session')) differing.push(JSON.stringify(prefix));
      compared++;
      if (depth === 4) return;
      for (const piece of pieces) build(prefix + piece, depth + 1);
    };
    build('', 0);
    expect(differing).toEqual([]);
    expect(compared).toBeGreaterThan(50_000);
  });
});
