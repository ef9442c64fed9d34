import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorBody } from '@userscope/runtime';
import { HttpMessages } from './http.messages';

const REPLIES: Record<string, { status: number; reason: string; body: () => ErrorBody }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    reason: 'Request Header Fields Too Large',
    body: () => ({ code: 'request_header_fields_too_large', message: HttpMessages.headersTooLarge(maxHeaderSize) }),
  },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', body: () => ({ code: 'request_timeout', message: HttpMessages.requestTimeout() }) },
};
const BAD_REQUEST = { status: 400, reason: 'Bad Request', body: (): ErrorBody => ({ code: 'bad_request', message: HttpMessages.badHttp() }) };

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before any route (headers over
 * `maxHeaderSize`, a request that never finished arriving, bytes that are not HTTP) answered in
 * Userscope's `{code, message}` shape. Standalone servers use it; a host app may pass it to its adapter.
 */
export function userscopeClientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const reply = REPLIES[error.code ?? ''] ?? BAD_REQUEST;
  const body = JSON.stringify(reply.body());
  // A reply already on its way (answered before the client's body was all in, an event stream) is not
  // followed by a second one on the same connection: the connection only closes, as Node's own handler does.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    socket.write(
      `HTTP/1.1 ${reply.status} ${reply.reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
