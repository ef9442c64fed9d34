import { Body, Controller, HttpCode, HttpStatus, Inject, Optional, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LlmUsage, TokenAccounting } from '@userscope/llm';
import { UserFunctions, UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { InternalCallRefusedError } from '../exceptions/internal-call-refused.exception';
import { InternalCallUnsignedError } from '../exceptions/internal-call-unsigned.exception';
import { ReplicaIdentity } from '../replica/replica.identity';
import { InternalCallNonces } from './internal-call.nonces';
import { InternalCallSignature } from './internal-call.signature';
import { INVOCATION_ROUTE, SIGNATURE_HEADER } from './invocation.constants';
import { encodeFailure, InvocationReply, InvocationRequest } from './invocation.wire';

/** Options token: the cluster's call signature; null when `general.cluster.secret` is unset. */
export const INTERNAL_CALL_SIGNATURE = Symbol.for('userscope:cluster-call-signature');
/** The nonces of accepted calls, cluster-wide. */
export const INTERNAL_CALL_NONCES = Symbol.for('userscope:cluster-call-nonces');

const NO_USAGE: LlmUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };

/**
 * The owner's side of a call another replica sends for one of this replica's users (a batch run's
 * function node): checked against the cluster's signature, then run as one of the user's requests
 * (`UserFunctions.invoke`: their session, their limits), the function aborted when the caller's
 * connection closes. Its output or error, and the LLM usage it caused, go back in one JSON answer.
 * Never forwarded again: a user this replica cannot claim is answered 503 `user_owned_elsewhere`.
 */
@ApiExcludeController()
@Controller()
export class OwnerInvocationController {
  constructor(
    private readonly users: UserFunctions,
    private readonly replica: ReplicaIdentity,
    @Inject(INTERNAL_CALL_SIGNATURE) private readonly signature: InternalCallSignature | null,
    @Inject(INTERNAL_CALL_NONCES) private readonly nonces: InternalCallNonces,
    @Optional() private readonly accounting?: TokenAccounting,
  ) {}

  @Post(INVOCATION_ROUTE)
  @HttpCode(200)
  async invoke(
    @Param('user_id') userId: string,
    @Param('name') name: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<void> {
    const input = await this.authenticated(request, body);
    const abort = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abort.abort(new Error(ClusterMessages.callerLeft()));
    });
    const work = () => this.users.invoke(userId, name, input as never, abort.signal).then((output: unknown) => ({ output }), (error: unknown) => ({ error }));
    const { value: settled, usage } = this.accounting ? await this.accounting.measure(work) : { value: await work(), usage: NO_USAGE };
    if ('error' in settled) {
      const failure = encodeFailure(settled.error, usage);
      return void reply.status(failure.status).headers(failure.headers).type('application/json; charset=utf-8').send(failure.body);
    }
    void reply.type('application/json; charset=utf-8').send({ output: settled.output, usage } satisfies InvocationReply);
  }

  /** The call's input, once its signature is checked against the very text of its body. */
  private async authenticated(request: FastifyRequest, body: unknown): Promise<unknown> {
    if (!this.signature) {
      if (request.headers[SIGNATURE_HEADER] === undefined) throw new InternalCallUnsignedError();
      throw new InternalCallRefusedError(ClusterMessages.secretUnsetHere(this.replica.id));
    }
    if (typeof body !== 'string') {
      if (request.headers[SIGNATURE_HEADER] === undefined) throw new InternalCallUnsignedError();
      throw new InternalCallRefusedError(ClusterMessages.notACall());
    }
    await this.signature.verify(request.method, request.raw.url ?? '', body, request.headers, this.nonces);
    try {
      return (JSON.parse(body) as InvocationRequest).input;
    } catch {
      throw new UserscopeHttpError(HttpStatus.BAD_REQUEST, { code: 'invalid_json', message: ClusterMessages.notACall() });
    }
  }
}
