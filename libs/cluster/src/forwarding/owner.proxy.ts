import { Agent as HttpAgent, ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UserOwnedElsewhereError, UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { FORWARDED_BY_HEADER, HANDOVER_HEADER } from './forwarding.constants';

/** Headers of one connection, not of the request: never passed on (RFC 9110, 7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Where a request goes: the replica that holds the user, as its lease names it. */
export interface ForwardTarget {
  replica: string;
  url: string;
}

/** How long a forwarded request waits for the owner to start answering, and what then. */
export interface OwnerPatience {
  headersTimeoutMs: number;
  /** Undefined: wait `headersTimeoutMs` more; an error: answer the caller with it and drop the owner's connection. */
  whenSlow(): Promise<UserscopeHttpError | undefined>;
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
  open(request: FastifyRequest, target: ForwardTarget, extraHeaders: OutgoingHttpHeaders = {}): Promise<ClientRequest | undefined> {
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
        headers: { ...forwardedHeaders(request.raw.headers, this.replicaId), ...extraHeaders },
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

  /**
   * Sends `request`'s body through `outgoing` and the owner's answer back as `reply` (hijacked).
   * Once the body is sent, the owner has `patience.headersTimeoutMs` to start answering (status and
   * headers: an event stream's are sent at once, its events may take as long as they take); each
   * time it has not, `patience.whenSlow()` decides: keep waiting, or answer the caller with an error.
   */
  relay(request: FastifyRequest, reply: FastifyReply, outgoing: ClientRequest, target: ForwardTarget, userId: string, patience: OwnerPatience): Promise<void> {
    reply.hijack();
    const response = reply.raw;
    // 'waiting' for the owner's headers; 'relaying' its answer; 'refused': answered here, the owner's connection dropped.
    let phase: 'waiting' | 'relaying' | 'refused' = 'waiting';
    let timer: NodeJS.Timeout | undefined;
    const waitForHeaders = () => {
      timer = setTimeout(async () => {
        const refusal = await patience.whenSlow().catch(() => undefined);
        if (phase !== 'waiting') return; // the answer came meanwhile, or the caller left
        if (!refusal) return waitForHeaders();
        phase = 'refused';
        outgoing.destroy();
        answerHere(response, refusal);
      }, patience.headersTimeoutMs);
    };
    return new Promise<void>((resolve) => {
      response.once('close', () => {
        clearTimeout(timer);
        // The caller left before the end: the owner's work for it stops too (a stream's generator is closed).
        if (!response.writableFinished) outgoing.destroy();
        if (phase === 'waiting') phase = 'refused';
        resolve();
      });
      outgoing.once('error', (error) => {
        clearTimeout(timer);
        if (phase === 'refused') return; // dropped by us
        this.logger.warn(ClusterMessages.forwardFailed(target.replica, target.url, error.message));
        if (phase === 'relaying') return void response.destroy();
        phase = 'refused';
        answerHere(response, new UserOwnedElsewhereError(userId, target.replica));
      });
      outgoing.once('finish', () => {
        if (phase === 'waiting') waitForHeaders();
      });
      outgoing.once('response', (answer: IncomingMessage) => {
        clearTimeout(timer);
        if (phase !== 'waiting') return void answer.destroy();
        phase = 'relaying';
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
  delete forwarded[HANDOVER_HEADER]; // only the forwarder asks for a handover, never the client
  forwarded[FORWARDED_BY_HEADER] = replicaId;
  return forwarded;
}

function relayedHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const relayed: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) relayed[name] = value;
  return relayed;
}

/** Answered here instead of by the owner (it dropped the connection, or does not answer): the body is gone, so the caller retries. */
export function answerHere(response: FastifyReply['raw'], error: UserscopeHttpError): void {
  response.writeHead(error.getStatus(), { ...error.headers, 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  response.end(JSON.stringify(error.body));
}
