import { ExecutionContext, Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AdminGuard, IdentityResolver } from '@userscope/http';
import { SessionLifecycle, SessionRegistry, WorkflowRunner } from '@userscope/runtime';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { RedisUserOwnership } from '../ownership/redis-user.ownership';
import { ReplicaIdentity } from '../replica/replica.identity';
import { FORWARDED_BY_HEADER } from './forwarding.constants';
import { ForwardTarget, OwnerProxy } from './owner.proxy';
import { requestUserOf } from './per-user-routes';

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
 */
@Injectable()
export class OwnerForwarding implements OnModuleInit {
  constructor(
    private readonly identity: IdentityResolver,
    private readonly admin: AdminGuard,
    private readonly registry: SessionRegistry,
    private readonly sessions: SessionLifecycle,
    private readonly runner: WorkflowRunner,
    @Inject(RedisUserOwnership) private readonly ownership: RedisUserOwnership,
    @Inject(ReplicaIdentity) private readonly replica: ReplicaIdentity,
    @Inject(OwnerProxy) private readonly proxy: OwnerProxy,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify?.addHook) return; // an application context (the CLI's run, batch): no HTTP
    fastify.addHook('onRequest', (request, reply) => this.route(request, reply));
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
    if (!userId || this.registry.get(userId)?.built) return; // no user (the route answers 401), or served here
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
    if (target) await this.forward(request, reply, target, userId);
  }

  /**
   * A plugin's or the host's route, for a caller: it may be a request-scoped controller, whose
   * instances are the caller's, so it follows the caller's lease when another replica holds it.
   * Nothing is claimed here: a route that runs as the caller claims when Nest resolves it.
   */
  private async routeOtherCaller(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const userId = this.identify(request);
    if (!userId || this.registry.get(userId)) return;
    const holder = await this.ownership.holderOf(userId).catch(() => undefined);
    const target = holder && this.forwardable(request, holder.replica, holder.url);
    if (target) await this.forward(request, reply, target, userId);
  }

  /** DELETE /monitor/users/{id}: the replica holding the session ends it; the admin credentials travel along. */
  private async routeNamedUser(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<FastifyReply | void> {
    if (this.registry.get(userId) || !this.isAdmin(request)) return; // here, or refused here: the route answers
    const holder = await this.ownership.holderOf(userId).catch(() => undefined);
    const target = holder && this.forwardable(request, holder.replica, holder.url);
    if (!target) return; // nobody else holds it: the route answers (404 when it is not here either)
    if (await this.forward(request, reply, target, userId)) return;
    const error = new UserLeasedElsewhereError(userId, holder.replica, holder.url, holder.remainingMs);
    return reply.status(error.getStatus()).headers(error.headers).send(error.body);
  }

  /** Where to forward to; undefined for a request forwarded once already, or an owner without an address. */
  private forwardable(request: FastifyRequest, replica: string, url: string | undefined): ForwardTarget | undefined {
    if (replica === this.replica.id || !url || request.headers[FORWARDED_BY_HEADER] !== undefined) return undefined;
    return { replica, url };
  }

  /** Relays the request when the owner's connection opens; false (request untouched) when it does not. */
  private async forward(request: FastifyRequest, reply: FastifyReply, target: ForwardTarget, userId: string): Promise<boolean> {
    const outgoing = await this.proxy.open(request, target);
    if (!outgoing) return false;
    void this.proxy.relay(request, reply, outgoing, target, userId);
    return true;
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

  private identify(request: FastifyRequest): string | undefined {
    try {
      return this.identity.resolve(request); // no reply: identities are issued by the route, to new users
    } catch {
      return undefined; // an invalid identity: the route answers it (401, 400)
    }
  }
}
