const SESSION_COOKIE = /(?:^|;\s*)nat-session=([^;]*)/;

/** The `nat-session` cookie's value, as a hand-written server would read it (no cookie plugin). */
export function sessionUser(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? SESSION_COOKIE.exec(cookieHeader)?.[1] || undefined : undefined;
}

export const MISSING_SESSION = 'Send the nat-session cookie to identify the user';
