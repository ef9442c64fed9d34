import { Agent as HttpAgent, ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserOwnedElsewhereError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { FORWARDED_BY_HEADER } from './forwarding.constants';

/** Headers of one connection, not of the request: never passed on (RFC 9110, 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Where a request goes: the replica that holds the user, as its lease names it. */
export interface ForwardTarget {
  replica: string;
  url: string;
}

/**
 * Streams a request to the replica that owns its user and the owner's answer back: the method,
 * path, query, headers (the owner verifies the caller's identity itself) and body as they came,
 * the status, headers and body as they go, event streams chunk by chunk. The body is read only once
 * the owner's connection is open, so an owner that cannot be reached leaves the request untouched
 * for this replica to answer.
 */
export class OwnerProxy {
  private readonly logger = new Logger('Cluster');
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(
    private readonly replicaId: string,
    private readonly connectTimeoutMs = 2_000,
  ) {}

  /** Opens the request to `target`: resolves once connected, or undefined when it cannot connect (the owner died). */
  open(request: FastifyRequest, target: ForwardTarget): Promise<ClientRequest | undefined> {
    return new Promise((resolve) => {
      let url: URL;
      try {
        url = new URL(request.raw.url ?? '/', target.url);
      } catch {
        return resolve(undefined);
      }
      const https = url.protocol === 'https:';
      const outgoing = (https ? httpsRequest : httpRequest)(url, {
        method: request.raw.method,
        headers: forwardedHeaders(request.raw.headers, this.replicaId),
        agent: https ? this.httpsAgent : this.httpAgent,
      });
      let connected = false;
      const timer = setTimeout(() => outgoing.destroy(new Error('connect timeout')), this.connectTimeoutMs);
      const fail = () => {
        clearTimeout(timer);
        if (!connected) resolve(undefined);
      };
      outgoing.once('error', fail);
      outgoing.once('socket', (socket) => {
        const ready = () => {
          clearTimeout(timer);
          connected = true;
          outgoing.off('error', fail);
          resolve(outgoing);
        };
        // A kept-alive socket is connected already; a new one is once it says so.
        if ((socket as { connecting?: boolean }).connecting) socket.once(https ? 'secureConnect' : 'connect', ready);
        else ready();
      });
    });
  }

  /** Sends `request`'s body through `outgoing` and the owner's answer back as `reply` (hijacked). */
  relay(request: FastifyRequest, reply: FastifyReply, outgoing: ClientRequest, target: ForwardTarget, userId: string): Promise<void> {
    reply.hijack();
    const response = reply.raw;
    return new Promise<void>((resolve) => {
      const done = () => resolve();
      response.once('close', () => {
        // The caller left before the end: the owner's work for it stops too (a stream's generator is closed).
        if (!response.writableFinished) outgoing.destroy();
        done();
      });
      outgoing.once('error', (error) => {
        this.logger.warn(ClusterMessages.forwardFailed(target.replica, target.url, error.message));
        if (response.headersSent) response.destroy();
        else answerUnreachable(response, new UserOwnedElsewhereError(userId, target.replica));
      });
      outgoing.once('response', (answer: IncomingMessage) => {
        response.removeHeader('x-userscope-replica'); // the owner's, which answered, comes with its headers
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, relayedHeaders(answer.headers));
        response.flushHeaders(); // an event stream's headers go out before its first event
        answer.pipe(response);
        answer.once('aborted', () => response.destroy());
      });
      request.raw.pipe(outgoing);
      request.raw.once('aborted', () => outgoing.destroy());
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

function forwardedHeaders(headers: IncomingHttpHeaders, replicaId: string): OutgoingHttpHeaders {
  const named = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim()));
  const forwarded: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) forwarded[name] = value;
  }
  forwarded[FORWARDED_BY_HEADER] = replicaId;
  return forwarded;
}

function relayedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const relayed: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) relayed[name] = value;
  return relayed;
}

/** The owner dropped the connection before answering: the body is gone, so the caller retries. */
function answerUnreachable(response: FastifyReply['raw'], error: UserOwnedElsewhereError): void {
  response.writeHead(error.getStatus(), { ...error.headers, 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  response.end(JSON.stringify(error.body));
}
