import { Inject, Injectable } from '@nestjs/common';
import {
  InvalidSessionIdError,
  MissingIdentityError,
  RuntimeMessages,
  SESSION_ID_PATTERN,
  USERSCOPE_CONFIG,
  UserscopeConfig,
} from '@userscope/runtime';
import type { IncomingHttpHeaders } from 'node:http';

/** The one place that turns a request into a user id. Every route uses it. */
@Injectable()
export class IdentityResolver {
  readonly cookieName: string;

  constructor(@Inject(USERSCOPE_CONFIG) config: UserscopeConfig) {
    this.cookieName = config.general.identity.cookie_name;
  }

  /** The caller's user id, undefined when the request carries none; a malformed id is a 400. */
  resolve(headers: IncomingHttpHeaders): string | undefined {
    const userId = readCookie(headers.cookie, this.cookieName);
    if (userId === undefined) return undefined;
    if (!SESSION_ID_PATTERN.test(userId)) throw new InvalidSessionIdError(SESSION_ID_PATTERN.source);
    return userId;
  }

  /** The 401 for a per-user route called without identity, saying what to send. */
  missingIdentity(): MissingIdentityError {
    return new MissingIdentityError(RuntimeMessages.missingIdentity(this.cookieName));
  }
}

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
