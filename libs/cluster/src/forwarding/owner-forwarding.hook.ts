import { ExecutionContext, Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminGuard, IdentityRequest, IdentityResolver } from '@userscope/http';
import { coveredByGenerateLane, SessionLifecycle, SessionRegistry, UserscopeHttpError, WorkflowRunner, toMilliseconds } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { CLUSTER_CONFIG } from '../cluster.constants';
import { ClusterConfig } from '../config/cluster.config';
import { OwnerUnresponsiveError } from '../exceptions/owner-unresponsive.exception';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { RedisUserOwnership } from '../ownership/redis-user.ownership';
import { HandoverRequests } from '../rebalance/handover.requests';
import { UserHandover } from '../rebalance/user.handover';
import { ReplicaIdentity } from '../replica/replica.identity';
import { FORWARDED_BY_HEADER, HANDED_OVER_HEADER, HANDOVER_HEADER } from './forwarding.constants';
import { OwnerLiveness } from './owner.liveness';
import { answerHere, ForwardTarget, OwnerProxy } from './owner.proxy';
import { requestUserOf } from './per-user-routes';

/** A request served here whose forwarder asked for its user: handed over once the reply is ready. */
interface HandoverAsk {
  userId: string;
  toReplica: string;
  settled: boolean;
}

/**
 * Cluster mode's one decision per request: serve it here, or at the replica that owns its user.
 *
 * Why here, a Fastify onRequest hook, and nowhere else: it runs before the body is read, so a
 * forwarded request goes on with its body's very bytes, streamed, and an event stream comes back
 * untouched; it runs before any route code, so no handler, guard or filter has to know about
 * replicas, and the routes' own error shapes stay theirs. The claim itself is not done here: the
 * hook opens the user's session, whose build claims the lease (SessionLifecycle, the one place
 * that claims), and forwards when that claim names another holder. Concurrent first requests on
 * several replicas thus build once: one claim wins, the others forward to it.
 *
 * Forwarding is bounded by the owner's liveness (`forward_timeout`, then its /health), and a user
 * forwarded again and again from here is asked over (`rebalance_after`, durable state only).
 */
@Injectable()
export class OwnerForwarding implements OnModuleInit {
  private readonly logger = new Logger('Cluster');
  private readonly forwardTimeoutMs: number;
  private readonly liveness: OwnerLiveness;
  private readonly handoverRequests: HandoverRequests;
  private readonly handoverAsks = new WeakMap<FastifyRequest, HandoverAsk>();

  constructor(
    private readonly identity: IdentityResolver,
    private readonly admin: AdminGuard,
    private readonly registry: SessionRegistry,
    private readonly sessions: SessionLifecycle,
    private readonly runner: WorkflowRunner,
    @Inject(RedisUserOwnership) private readonly ownership: RedisUserOwnership,
    @Inject(ReplicaIdentity) private readonly replica: ReplicaIdentity,
    @Inject(OwnerProxy) private readonly proxy: OwnerProxy,
    @Inject(UserHandover) private readonly handover: UserHandover,
    @Inject(CLUSTER_CONFIG) config: ClusterConfig,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    this.forwardTimeoutMs = toMilliseconds(config.forward_timeout);
    this.liveness = new OwnerLiveness(this.forwardTimeoutMs);
    this.handoverRequests = new HandoverRequests(config.rebalance_after, () => this.handover.allowed);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.addHook) return; // an application context (the CLI's run, batch): no HTTP
    // Covered by /generate's lane: it takes only the requests `leavesCallerHere` lets through (see cluster.module.ts).
    fastify.addHook(
      'onRequest',
      coveredByGenerateLane((request: FastifyRequest, reply: FastifyReply) => this.route(request, reply)),
    );
    // Before the reply leaves, so the asker finds the lease free when its caller's next request comes.
    fastify.addHook(
      'onSend',
      coveredByGenerateLane((request: FastifyRequest, reply: FastifyReply, _payload: unknown, done: (error?: Error) => void) => {
        const ask = this.handoverAsks.get(request);
        if (!ask) return done(); // every other reply: no promise made
        this.handOver(ask, reply).then(() => done(), done);
      }),
    );
  }

  /**
   * Whether `route()` would leave this request to the caller's route here at once, without a claim,
   * a Redis call or a forward: so /generate's lane may serve it. A forwarded request is not left at
   * once: it may ask for its user (`noteHandoverAsk`).
   */
  leavesCallerHere(request: IdentityRequest): boolean {
    if (request.headers[FORWARDED_BY_HEADER] !== undefined) return false;
    if (!this.runner.isPerUser) return true;
    const userId = this.identify(request);
    if (userId === undefined) return true; // the route issues the caller an identity, or answers 401
    const session = this.registry.get(userId);
    return session?.built === true && (session.lease === undefined || this.ownership.isConfirmed(session.lease));
  }

  /** Leaves the request to this replica's route, or relays it to the owner. */
  async route(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const user = requestUserOf(request);
    if (!user) return;
    if (user.from === 'path') return this.routeNamedUser(request, reply, user.userId);
    if (user.claims) return this.routeCaller(request, reply);
    return this.routeOtherCaller(request, reply);
  }

  /** /generate and the like: the caller's session is opened (claimed) here, or the owner serves it. */
  private async routeCaller(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!this.runner.isPerUser) return; // a shared workflow has no per-user instances to own
    const userId = this.identify(request);
    if (!userId) return; // no user: the route answers 401
    if (this.registry.get(userId)?.built && (await this.stillHeld(userId))) return this.noteHandoverAsk(request, reply, userId); // served here
    let elsewhere: UserLeasedElsewhereError;
    try {
      await this.sessions.open(userId).ready;
      return; // claimed and built here
    } catch (error) {
      // Anything else (draining, Redis down, a failed build) the route meets again and answers in its own shape.
      if (!(error instanceof UserLeasedElsewhereError)) return;
      elsewhere = error;
    }
    const target = this.forwardable(request, elsewhere.ownerReplica, elsewhere.ownerUrl);
    // Not forwarded: the route's own claim answers 503 user_owned_elsewhere, or succeeds if the lease ran out meanwhile.
    if (target) await this.forward(request, reply, target, userId, elsewhere.leaseRemainingMs, this.handoverRequests.countForward(userId));
  }

  /**
   * Whether this replica still holds the user it has a session of: the ownership's one check
   * (`verify`), which asks Redis only when the lease was not confirmed for lease_ttl (the process
   * was paused: SIGSTOP, a VM frozen). A lease found taken ends the session here, and the request
   * goes where the user is now; Redis not answering leaves the answer to the route.
   */
  private stillHeld(userId: string): boolean | Promise<boolean> {
    const lease = this.registry.get(userId)?.lease;
    const check = lease && this.ownership.verify(lease);
    if (!check) return true; // every request's path: no Redis call (a session still being built claims as it builds)
    return check.then(
      () => true,
      () => false,
    );
  }

  /**
   * A plugin's or the host's route, for a caller: it may be a request-scoped controller, whose
   * instances are the caller's, so it follows the caller's lease when another replica holds it.
   * Nothing is claimed here: a route that runs as the caller claims when Nest resolves it.
   */
  private async routeOtherCaller(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const userId = this.identify(request);
    if (!userId || (this.registry.get(userId) && (await this.stillHeld(userId)))) return;
    const holder = await this.ownership.holderOf(userId).catch(() => undefined);
    const target = holder && this.forwardable(request, holder.replica, holder.url);
    if (target) await this.forward(request, reply, target, userId, holder.remainingMs, false);
  }

  /** DELETE /monitor/users/{id}: the replica holding the session ends it; the admin credentials travel along. */
  private async routeNamedUser(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<FastifyReply | void> {
    if (this.registry.get(userId) || !this.isAdmin(request)) return; // here, or refused here: the route answers
    const holder = await this.ownership.holderOf(userId).catch(() => undefined);
    const target = holder && this.forwardable(request, holder.replica, holder.url);
    if (!target) return; // nobody else holds it: the route answers (404 when it is not here either)
    if (await this.forward(request, reply, target, userId, holder.remainingMs, false)) return;
    const error = new UserLeasedElsewhereError(userId, holder.replica, holder.url, holder.remainingMs);
    return reply.status(error.getStatus()).headers(error.headers).send(error.body);
  }

  /** Where to forward to; undefined for a request forwarded once already, or an owner without an address. */
  private forwardable(request: FastifyRequest, replica: string, url: string | undefined): ForwardTarget | undefined {
    if (replica === this.replica.id || !url || request.headers[FORWARDED_BY_HEADER] !== undefined) return undefined;
    return { replica, url };
  }

  /**
   * Relays the request when the owner's connection opens; false (request untouched) when it does
   * not. An owner found unresponsive a moment ago is not tried again: the caller is answered 503 at
   * once, until its lease (`leaseRemainingMs` left) runs out. `askHandover`: ask for the user too.
   */
  private async forward(request: FastifyRequest, reply: FastifyReply, target: ForwardTarget, userId: string, leaseRemainingMs: number, askHandover: boolean): Promise<boolean> {
    if (this.liveness.isUnresponsive(target.replica)) {
      const error = new OwnerUnresponsiveError(userId, target.replica, { waitedMs: this.forwardTimeoutMs, healthChecked: true }, leaseRemainingMs);
      reply.hijack();
      answerHere(reply.raw, error);
      return true;
    }
    const outgoing = await this.proxy.open(request, target, askHandover ? { [HANDOVER_HEADER]: this.replica.id } : {});
    if (!outgoing) return false;
    const patience = { headersTimeoutMs: this.forwardTimeoutMs, whenSlow: () => this.whenOwnerSlow(target, userId) };
    void this.proxy.relay(request, reply, outgoing, target, userId, patience);
    return true;
  }

  /** The owner has not started answering within forward_timeout: alive and busy (wait on), or not answering at all (503). */
  private async whenOwnerSlow(target: ForwardTarget, userId: string): Promise<UserscopeHttpError | undefined> {
    if (await this.liveness.answers(target)) return undefined;
    const holder = await this.ownership.holderOf(userId).catch(() => undefined);
    // Expired or taken meanwhile: the next request is served by whoever claims the user.
    const remainingMs = holder?.replica === target.replica ? holder.remainingMs : 0;
    if (!this.liveness.isUnresponsive(target.replica)) this.logger.warn(ClusterMessages.ownerUnresponsiveLog(target.replica, target.url, this.forwardTimeoutMs));
    this.liveness.markUnresponsive(target.replica, remainingMs);
    return new OwnerUnresponsiveError(userId, target.replica, { waitedMs: this.forwardTimeoutMs, healthChecked: true }, remainingMs);
  }

  /** A request forwarded to this owner that asks for its user: remembered for the reply (see `handOver`). */
  private noteHandoverAsk(request: FastifyRequest, reply: FastifyReply, userId: string): void {
    const asker = request.headers[HANDOVER_HEADER];
    if (typeof asker !== 'string' || request.headers[FORWARDED_BY_HEADER] === undefined || !this.handover.allowed) return;
    const ask: HandoverAsk = { userId, toReplica: asker, settled: false };
    this.handoverAsks.set(request, ask);
    // An event stream (a hijacked reply) has no onSend: its user is handed over once it has been sent.
    reply.raw.once('finish', () => void this.handOver(ask));
  }

  /**
   * Hands the user over after a successful reply (its state checkpointed before it), if the user
   * is idle here; the reply then says so. Never fails the reply it rides on.
   */
  private async handOver(ask: HandoverAsk, reply?: FastifyReply): Promise<void> {
    if (ask.settled) return;
    ask.settled = true;
    if (reply && reply.statusCode >= 400) return;
    try {
      if ((await this.handover.handOver(ask.userId, ask.toReplica)) && reply) reply.header(HANDED_OVER_HEADER, this.replica.id);
    } catch (error) {
      this.logger.warn(String((error as Error)?.message ?? error));
    }
  }

  /**
   * The owner sees the forwarding replica as the client: on loopback with no admin token, anyone
   * would pass. So an operator route is forwarded only for a caller this replica admits itself.
   */
  private isAdmin(request: FastifyRequest): boolean {
    const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
    try {
      return this.admin.canActivate(context);
    } catch {
      return false;
    }
  }

  private identify(request: IdentityRequest): string | undefined {
    try {
      return this.identity.resolve(request); // no reply: identities are issued by the route, to new users
    } catch {
      return undefined; // an invalid identity: the route answers it (401, 400)
    }
  }
}
