import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { USERSCOPE_CONFIG, UserscopeConfig, UserscopeHttpError } from '@userscope/runtime';
import { AdminMessages } from './admin.messages';
import { bearerToken } from '../identity/bearer-token';
import { ADMIN_TOKEN_ENV } from './admin.constants';

/**
 * Closes operator routes (`/monitor/*`, `/api/*`) to the world. With an admin token configured, only
 * `Authorization: Bearer <token>` passes; without one, only clients on the loopback interface, and
 * not a request a proxy relayed: a reverse proxy on the same host connects over loopback for clients
 * anywhere, and says so in the headers below (HAProxy's `option forwardfor`, nginx's usual setup).
 */
@Injectable()
export class AdminGuard implements CanActivate {
  private readonly tokenDigest: Buffer | undefined;

  constructor(@Inject(USERSCOPE_CONFIG) config: UserscopeConfig) {
    const token = config.general.admin_token ?? process.env[ADMIN_TOKEN_ENV] ?? undefined;
    this.tokenDigest = token ? digest(token) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!this.tokenDigest) {
      const relayedBy = RELAY_HEADERS.find((name) => request.headers[name] !== undefined);
      if (isLoopback(request.socket.remoteAddress) && !relayedBy) return true;
      const message = relayedBy ? AdminMessages.relayedByProxy(relayedBy, ADMIN_TOKEN_ENV) : AdminMessages.loopbackOnly(ADMIN_TOKEN_ENV);
      throw new UserscopeHttpError(HttpStatus.FORBIDDEN, { code: 'forbidden', message });
    }
    const presented = bearerToken(request.headers.authorization);
    if (!presented) {
      throw new UserscopeHttpError(
        HttpStatus.UNAUTHORIZED,
        { code: 'unauthorized', message: AdminMessages.tokenRequired() },
        { 'www-authenticate': 'Bearer realm="userscope-admin"' },
      );
    }
    // Digests have equal length, so the comparison takes the same time whatever was sent.
    if (!timingSafeEqual(digest(presented), this.tokenDigest)) {
      throw new UserscopeHttpError(HttpStatus.FORBIDDEN, { code: 'forbidden', message: AdminMessages.tokenWrong() });
    }
    return true;
  }
}

/** Headers a proxy adds for the client it relays; a client on this host that sends one is refused too, which is safe. */
const RELAY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip'] as const;

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return v4.startsWith('127.') || address === '::1';
}
