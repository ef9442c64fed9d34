import { Logger } from '@nestjs/common';
import { SessionBackends, SessionLifecycle, SessionRegistry } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { RedisUserOwnership } from '../ownership/redis-user.ownership';

/**
 * The owner's side of a rebalance: hands a user over to the replica that asked (the one their
 * requests arrive at) by ending the user's session here, which disposes the instances and then
 * releases the lease; the asker claims the user at their next request and builds them from their
 * saved state. Never two sets of instances: the lease is free only once these are gone.
 *
 * Only with durable state (`session_state: redis`): every acknowledged call was checkpointed before
 * its reply, so nothing acknowledged is lost. With the memory default a handover would lose the
 * user's state, so the owner keeps the user and the request is only forwarded.
 */
export class UserHandover {
  private readonly logger = new Logger('Cluster');
  /** Users handed over since start. */
  handedOver = 0;

  constructor(
    private readonly registry: SessionRegistry,
    private readonly sessions: SessionLifecycle,
    private readonly backends: SessionBackends,
    private readonly ownership: RedisUserOwnership,
  ) {}

  /** Whether handovers may happen at all: the state is durable, and the replica is not draining (which releases everyone anyway). */
  get allowed(): boolean {
    return this.backends.state.persistent && !this.ownership.isDraining;
  }

  /**
   * Hands `userId` over if they are idle here (no request running or queued, all checkpoints
   * done); false (nothing changed) otherwise.
   */
  async handOver(userId: string, toReplica: string): Promise<boolean> {
    if (!this.allowed) return false;
    const session = this.registry.get(userId);
    if (!session?.built || session.ended || session.activeRequests > 0 || session.waiting.length > 0) return false;
    await this.sessions.end(session);
    this.handedOver++;
    this.logger.verbose(ClusterMessages.handedOver(userId, toReplica));
    return true;
  }
}
