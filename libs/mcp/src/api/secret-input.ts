import { HttpStatus } from '@nestjs/common';
import { SESSION_ID_PATTERN, UserscopeHttpError } from '@userscope/runtime';
import { SECRET_NAME_PATTERN } from '../mcp.constants';
import { McpMessages } from '../mcp.messages';

function badRequest(message: string): UserscopeHttpError {
  return new UserscopeHttpError(HttpStatus.BAD_REQUEST, { code: 'bad_request', message });
}

/** Checks a route's user id and secret name; throws 400 saying which is wrong. */
export function checkSecretName(name: string): void {
  if (!SECRET_NAME_PATTERN.test(name)) throw badRequest(McpMessages.badSecretName(SECRET_NAME_PATTERN.source));
}

export function checkUserId(userId: string): void {
  if (!SESSION_ID_PATTERN.test(userId)) throw badRequest(`a user id must match ${SESSION_ID_PATTERN.source}`);
}

/** The secret's value from a PUT body `{"value": "..."}`, of at most `maxLength` characters. */
export function secretValueOf(body: unknown, maxLength: number): string {
  const value = body && typeof body === 'object' && !Array.isArray(body) ? (body as { value?: unknown }).value : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength || value.includes('\0')) throw badRequest(McpMessages.badSecretValue(maxLength));
  return value;
}
