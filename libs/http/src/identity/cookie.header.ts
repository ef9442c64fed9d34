/** The raw value of cookie `name` in a Cookie header (quotes removed), or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
  }
  return undefined;
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
