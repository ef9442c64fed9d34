/**
 * The raw value of cookie `name` in a Cookie header (quotes removed), or undefined. The first pair
 * whose trimmed name is `name` wins. Scans the header in place: every request reads it, and splitting
 * it into parts cost more than the rest of identifying the caller.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let start = 0;
  while (start <= header.length) {
    let end = header.indexOf(';', start);
    if (end < 0) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq >= 0 && eq < end && trimmedEquals(header, start, eq, name)) {
      const value = header.slice(eq + 1, end).trim();
      return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
    }
    start = end + 1;
  }
  return undefined;
}

/** Whether `text.slice(from, to).trim() === expected`, without the slice. */
function trimmedEquals(text: string, from: number, to: number, expected: string): boolean {
  while (from < to && isTrimmed(text.charCodeAt(from))) from++;
  while (to > from && isTrimmed(text.charCodeAt(to - 1))) to--;
  return to - from === expected.length && text.startsWith(expected, from);
}

/** What String.prototype.trim removes: ECMAScript's WhiteSpace and LineTerminator. */
function isTrimmed(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

export interface SetCookieOptions {
  secure: boolean;
  /** Seconds; a session cookie without it. 0 deletes the cookie. */
  maxAge?: number;
}

/** A Set-Cookie value for an identity cookie: HttpOnly, SameSite=Lax, Path=/, Secure when asked. */
export function formatSetCookie(name: string, value: string, { secure, maxAge }: SetCookieOptions): string {
  return [
    `${name}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
    ...(maxAge !== undefined ? [`Max-Age=${Math.floor(maxAge)}`] : []),
  ].join('; ');
}
