import { Agent as HttpAgent, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HttpStatus } from '@nestjs/common';
import { TokenAccounting } from '@userscope/llm';
import { RemoteUserFunctions, UserOwnedElsewhereError, UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { ClusterSecretUnsetError } from '../exceptions/cluster-secret-unset.exception';
import { OwnerUnresponsiveError } from '../exceptions/owner-unresponsive.exception';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { RedisUserOwnership } from '../ownership/redis-user.ownership';
import { FORWARDED_BY_HEADER } from '../forwarding/forwarding.constants';
import { InternalCallSignature } from './internal-call.signature';
import { INVOCATION_CONTENT_TYPE, invocationPath } from './invocation.constants';
import { decodeFailure, InvocationFailure, InvocationReply, InvocationRequest, isInvocationAnswer } from './invocation.wire';

/** What came back over HTTP. */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A request that failed before any answer: the owner did not take it (refused, or cannot be reached) or dropped it. */
class NoAnswer extends Error {
  constructor(
    readonly detail: string,
    /** On a kept-alive connection the owner had closed meanwhile: nothing reached it. */
    readonly staleConnection: boolean,
  ) {
    super(detail);
  }
}

/**
 * Sends a call of a user's function to the replica that owns the user (its address from the lease
 * that refused this replica's claim), signed with the cluster's secret, and turns the owner's
 * answer into what the call would have returned or thrown here: its output, its error, and its LLM
 * usage, credited to the work measuring it here. Aborting `signal` aborts the request, and the
 * owner aborts the function when the connection closes. An owner that does not answer gives an
 * `OwnerUnresponsiveError` whose Retry-After is what its lease still runs.
 */
export class OwnerInvocationClient implements RemoteUserFunctions {
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });

  constructor(
    private readonly replicaId: string,
    private readonly ownership: RedisUserOwnership,
    private readonly signature: InternalCallSignature | undefined,
    private readonly accounting: TokenAccounting | undefined,
    private readonly connectTimeoutMs = 2_000,
  ) {}

  async invoke(refusal: UserOwnedElsewhereError, userId: string, name: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    // An owner that takes no calls (a process that does not listen) serves its users until its lease ends: retry after it.
    if (!(refusal instanceof UserLeasedElsewhereError) || !refusal.ownerUrl) throw refusal;
    if (!this.signature) throw new ClusterSecretUnsetError(this.replicaId, userId, refusal.ownerReplica);
    const url = refusal.ownerUrl;
    const path = invocationPath(userId, name);
    const body = JSON.stringify({ input } satisfies InvocationRequest);
    let answer: Answer;
    try {
      answer = await this.post(url, path, body, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!(error instanceof NoAnswer)) throw error;
      throw await this.unreachable(userId, refusal.ownerReplica, url, error.detail);
    }
    const reply = parseJson(answer.text);
    if (!isInvocationAnswer(reply) && !isErrorBody(reply)) throw new UserscopeHttpError(HttpStatus.BAD_GATEWAY, { code: 'owner_garbled', message: ClusterMessages.ownerGarbled(refusal.ownerReplica, answer.status) });
    if (isInvocationAnswer(reply)) this.accounting?.credit(reply.usage);
    if (answer.status === 200) return (reply as InvocationReply).output;
    const retryAfter = answer.headers['retry-after'];
    throw decodeFailure(answer.status, reply as InvocationFailure, Array.isArray(retryAfter) ? retryAfter[0] : retryAfter);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Posts the signed call; a kept-alive connection the owner closed meanwhile is tried once more, on a new one. */
  private async post(url: string, path: string, body: string, signal: AbortSignal): Promise<Answer> {
    try {
      return await this.postOnce(url, path, body, signal);
    } catch (error) {
      if (!(error instanceof NoAnswer) || !error.staleConnection || signal.aborted) throw error;
      return this.postOnce(url, path, body, signal);
    }
  }

  private postOnce(base: string, path: string, body: string, signal: AbortSignal): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const target = new URL(path, base);
      const https = target.protocol === 'https:';
      const outgoing = (https ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: https ? this.httpsAgent : this.httpAgent,
        headers: {
          'content-type': INVOCATION_CONTENT_TYPE,
          'content-length': Buffer.byteLength(body),
          [FORWARDED_BY_HEADER]: this.replicaId,
          ...this.signature!.sign('POST', target.pathname, body),
        },
      });
      let answered = false;
      const onAbort = () => outgoing.destroy(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      const connectTimer = setTimeout(() => outgoing.destroy(new NoAnswer(`no connection within ${this.connectTimeoutMs} ms`, false)), this.connectTimeoutMs);
      const settle = () => {
        clearTimeout(connectTimer);
        signal.removeEventListener('abort', onAbort);
      };
      outgoing.once('socket', (socket) => {
        if (!(socket as { connecting?: boolean }).connecting) clearTimeout(connectTimer);
        else socket.once(https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      const cutOff = () => {
        settle();
        reject(signal.aborted ? signal.reason : new NoAnswer('the connection closed during the answer', false));
      };
      outgoing.once('error', (error: Error & { code?: string }) => {
        if (answered) return cutOff();
        settle();
        if (error instanceof NoAnswer) return reject(error);
        if (signal.aborted) return reject(signal.reason);
        reject(new NoAnswer(error.code ?? error.message, outgoing.reusedSocket && error.code === 'ECONNRESET'));
      });
      outgoing.once('response', (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('aborted', cutOff);
        response.once('error', cutOff);
        response.once('end', () => {
          settle();
          resolve({ status: response.statusCode ?? 502, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      outgoing.end(body);
    });
  }

  /** The owner did not answer: retry once its lease has run out (now, when it has, or another replica holds the user). */
  private async unreachable(userId: string, owner: string, url: string, detail: string): Promise<OwnerUnresponsiveError> {
    const holder = await this.ownership.holderOf(userId).catch(() => undefined);
    const remainingMs = holder === undefined ? 0 : holder.replica === owner ? holder.remainingMs : 0;
    return new OwnerUnresponsiveError(userId, owner, { url, detail }, remainingMs);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(value: unknown): value is InvocationFailure {
  const body = value as { code?: unknown; message?: unknown } | null;
  return typeof body === 'object' && body !== null && typeof body.code === 'string' && typeof body.message === 'string';
}
