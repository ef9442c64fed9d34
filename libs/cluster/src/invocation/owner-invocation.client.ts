import { Agent as HttpAgent, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HttpStatus } from '@nestjs/common';
import { TokenAccounting } from '@userscope/llm';
import { RemoteUserFunctions, UserOwnedElsewhereError, UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages, OwnerSilence } from '../cluster.messages';
import { ClusterSecretUnsetError } from '../exceptions/cluster-secret-unset.exception';
import { OwnerUnresponsiveError } from '../exceptions/owner-unresponsive.exception';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { RedisUserOwnership } from '../ownership/redis-user.ownership';
import { FORWARDED_BY_HEADER } from '../forwarding/forwarding.constants';
import { OwnerLiveness } from '../forwarding/owner.liveness';
import type { ForwardTarget } from '../forwarding/owner.proxy';
import { InternalCallSignature } from './internal-call.signature';
import { INVOCATION_CONTENT_TYPE, invocationPath } from './invocation.constants';
import { decodeFailure, InvocationFailure, InvocationReply, InvocationRequest, isInvocationAnswer } from './invocation.wire';

/** What came back over HTTP. */
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** A request that failed before any answer: the owner did not take it (refused, or cannot be reached), dropped it, or went silent. */
class NoAnswer extends Error {
  constructor(
    readonly silence: OwnerSilence,
    /** On a kept-alive connection the owner had closed meanwhile: nothing reached it. */
    readonly staleConnection = false,
  ) {
    super('detail' in silence ? silence.detail : `no answer within ${silence.waitedMs} ms`);
  }
}

/**
 * Sends a call of a user's function to the replica that owns the user (its address from the lease
 * that refused this replica's claim), signed with the cluster's secret, and turns the owner's
 * answer into what the call would have returned or thrown here: its output, its error, and its LLM
 * usage, credited to the work measuring it here. Aborting `signal` aborts the request, and the
 * owner aborts the function when the connection closes. An owner that does not answer gives an
 * `OwnerUnresponsiveError` whose Retry-After is what its lease still runs: one that refuses or
 * resets the connection at once, one silent for `forwardTimeoutMs` whose /health is silent too (a
 * paused process, whose kernel still takes the call) then. An owner busy with a long call answers
 * its /health, and is waited for on, as a forwarded request waits.
 */
export class OwnerInvocationClient implements RemoteUserFunctions {
  private readonly httpAgent = new HttpAgent({ keepAlive: true });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true });
  private readonly liveness: OwnerLiveness;

  constructor(
    private readonly replicaId: string,
    private readonly ownership: RedisUserOwnership,
    private readonly signature: InternalCallSignature | undefined,
    private readonly accounting: TokenAccounting | undefined,
    /** general.cluster.forward_timeout: how long a call waits for its answer before the owner's /health is asked. */
    private readonly forwardTimeoutMs: number,
    private readonly connectTimeoutMs = 2_000,
  ) {
    this.liveness = new OwnerLiveness(forwardTimeoutMs);
  }

  async invoke(refusal: UserOwnedElsewhereError, userId: string, name: string, input: unknown, signal: AbortSignal): Promise<unknown> {
    // An owner that takes no calls (a process that does not listen) serves its users until its lease ends: retry after it.
    if (!(refusal instanceof UserLeasedElsewhereError) || !refusal.ownerUrl) throw refusal;
    if (!this.signature) throw new ClusterSecretUnsetError(this.replicaId, userId, refusal.ownerReplica);
    const owner: ForwardTarget = { replica: refusal.ownerReplica, url: refusal.ownerUrl };
    const path = invocationPath(userId, name);
    const body = JSON.stringify({ input } satisfies InvocationRequest);
    let answer: Answer;
    try {
      answer = await this.post(owner, path, body, signal);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!(error instanceof NoAnswer)) throw error;
      throw await this.unresponsive(userId, owner.replica, error.silence);
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
  private async post(owner: ForwardTarget, path: string, body: string, signal: AbortSignal): Promise<Answer> {
    try {
      return await this.postOnce(owner, path, body, signal);
    } catch (error) {
      if (!(error instanceof NoAnswer) || !error.staleConnection || signal.aborted) throw error;
      return this.postOnce(owner, path, body, signal);
    }
  }

  private postOnce(owner: ForwardTarget, path: string, body: string, signal: AbortSignal): Promise<Answer> {
    const base = owner.url;
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
      const connectTimer = setTimeout(() => outgoing.destroy(new NoAnswer({ url: base, detail: `no connection within ${this.connectTimeoutMs} ms` })), this.connectTimeoutMs);
      let answerTimer: NodeJS.Timeout | undefined;
      // No answer for forward_timeout: a busy owner still answers its /health (wait on), a paused one does not (give up).
      const awaitAnswer = () => {
        answerTimer = setTimeout(async () => {
          const alive = await this.liveness.answers(owner);
          if (answered || outgoing.destroyed) return;
          if (alive) awaitAnswer();
          else outgoing.destroy(new NoAnswer({ waitedMs: this.forwardTimeoutMs, healthChecked: true }));
        }, this.forwardTimeoutMs);
      };
      awaitAnswer();
      const settle = () => {
        clearTimeout(connectTimer);
        clearTimeout(answerTimer);
        signal.removeEventListener('abort', onAbort);
      };
      outgoing.once('socket', (socket) => {
        if (!(socket as { connecting?: boolean }).connecting) clearTimeout(connectTimer);
        else socket.once(https ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
      });
      const cutOff = () => {
        settle();
        reject(signal.aborted ? signal.reason : new NoAnswer({ url: base, detail: 'the connection closed during the answer' }));
      };
      outgoing.once('error', (error: Error & { code?: string }) => {
        if (answered) return cutOff();
        settle();
        if (error instanceof NoAnswer) return reject(error);
        if (signal.aborted) return reject(signal.reason);
        reject(new NoAnswer({ url: base, detail: error.code ?? error.message }, outgoing.reusedSocket && error.code === 'ECONNRESET'));
      });
      outgoing.once('response', (response) => {
        answered = true;
        clearTimeout(answerTimer);
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
  private async unresponsive(userId: string, owner: string, silence: OwnerSilence): Promise<OwnerUnresponsiveError> {
    const holder = await this.ownership.holderOf(userId).catch(() => undefined);
    const remainingMs = holder === undefined ? 0 : holder.replica === owner ? holder.remainingMs : 0;
    return new OwnerUnresponsiveError(userId, owner, silence, remainingMs);
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
