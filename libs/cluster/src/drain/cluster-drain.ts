import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry } from '@userscope/http';
import { SessionLifecycle, SessionRegistry, USERSCOPE_CONFIG, UserscopeConfig, toMilliseconds } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { LeaseRenewalScheduler } from '../ownership/lease-renewal.scheduler';
import { RedisUserOwnership } from '../ownership/redis-user.ownership';
import { ReplicaIdentity } from '../replica/replica.identity';

/** How often the drain looks whether the users' requests in flight have finished. */
const IDLE_POLL_MS = 50;
/** The drain stops waiting this long before the grace period ends, leaving the HTTP server's close its turn. */
const CLOSE_MARGIN_MS = 500;

/**
 * A replica's drain (SIGTERM): from the first moment of shutdown `/health/ready` answers 503 and
 * new users are refused (or forwarded, when another replica has them), while the users it has are
 * still served and their requests in flight finish, the listener open, for at most the grace
 * period. Then the HTTP server closes, the sessions end and every lease is released, so other
 * replicas take the users at once instead of after lease_ttl. States were checkpointed after each
 * call already.
 */
@Injectable()
export class ClusterDrain implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  private readonly graceMs: number;
  private drainStarted = 0;

  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly sessions: SessionLifecycle,
    private readonly registry: SessionRegistry,
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
    @Inject(RedisUserOwnership) private readonly ownership: RedisUserOwnership,
    @Inject(LeaseRenewalScheduler) private readonly renewal: LeaseRenewalScheduler,
    @Inject(ReplicaIdentity) private readonly replica: ReplicaIdentity,
  ) {
    this.graceMs = toMilliseconds(config.general.shutdown_grace_period);
  }

  onModuleInit(): void {
    this.readiness.register({
      name: 'drain',
      check: async () => {
        if (this.ownership.isDraining) throw new Error(ClusterMessages.drainingCheck(this.replica.id));
      },
    });
  }

  /** The first of Nest's shutdown steps, before the HTTP server stops: the proxy in front stops sending new users. */
  onModuleDestroy(): void {
    this.drainStarted = Date.now();
    this.ownership.startDraining();
  }

  /** Before the connections close: the users' requests in flight finish here, the listener still open. */
  async beforeApplicationShutdown(): Promise<void> {
    const deadline = this.drainStarted + this.graceMs - CLOSE_MARGIN_MS;
    let busy = this.busyUsers();
    if (busy > 0) this.logger.log(ClusterMessages.drainWaiting(busy));
    while (busy > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
      busy = this.busyUsers();
    }
  }

  /**
   * After the HTTP server closed (no request runs any more): ends the sessions, each giving back its
   * lease, then releases whatever is still held. Leases stay renewed until then.
   */
  async finish(): Promise<void> {
    const held = this.ownership.heldCount;
    await this.sessions.endAll();
    await this.renewal.stop();
    await this.ownership.releaseAll();
    this.logger.log(ClusterMessages.drained(held));
  }

  private busyUsers(): number {
    let busy = 0;
    for (const session of this.registry.values()) if (session.activeRequests > 0 || session.waiting.length > 0) busy++;
    return busy;
  }
}
