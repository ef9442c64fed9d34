import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import Redis from 'ioredis';
import { SessionBackends, SessionLifecycle, SessionRegistry } from '@userscope/runtime';
import { useUserscopeErrors } from '@userscope/http';
import { CLUSTER_REDIS, connectClusterRedis } from './redis/cluster-redis.connection';
import { ClusterConfig } from './config/cluster.config';
import { sessionStateProviders, SessionStateSettings } from './state/session-state.providers';
import { CLUSTER_CONFIG } from './cluster.constants';
import { ReplicaIdentity } from './replica/replica.identity';
import { ReplicaDirectory } from './directory/replica.directory';
import { ReplicaPresence } from './directory/replica.presence';
import { registerReplicaHeader } from './http/replica-header.hook';
import { PeerUsersCollector } from './monitor/peer-users.collector';
import { ReplicasMonitorController } from './monitor/replicas-monitor.controller';
import { RedisUserOwnership } from './ownership/redis-user.ownership';
import { LeaseRenewalScheduler } from './ownership/lease-renewal.scheduler';
import { OwnerProxy } from './forwarding/owner.proxy';
import { OwnerForwarding } from './forwarding/owner-forwarding.hook';
import { ClusterDrain } from './drain/cluster-drain';
import { UserHandover } from './rebalance/user.handover';

export { CLUSTER_CONFIG } from './cluster.constants';

/** A Redis command unanswered this long fails, so a request never hangs on an unreachable Redis. */
const COMMAND_TIMEOUT_MS = 2_000;

useUserscopeErrors(ReplicasMonitorController);

/**
 * Cluster mode: this server is one replica of many on one Redis (`general.cluster`). Loaded by
 * `UserscopeModule` when the config has `general.cluster`.
 */
@Module({})
export class ClusterModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(CLUSTER_REDIS) private readonly redis: Redis,
    private readonly backends: SessionBackends,
    @Inject(RedisUserOwnership) private readonly ownership: RedisUserOwnership,
    @Inject(LeaseRenewalScheduler) private readonly renewal: LeaseRenewalScheduler,
    private readonly replica: ReplicaIdentity,
    private readonly presence: ReplicaPresence,
    @Inject(OwnerProxy) private readonly proxy: OwnerProxy,
    private readonly drain: ClusterDrain,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** `general` gives the saved-state settings (`session_state: redis` installs the Redis store). */
  static forRoot(config: ClusterConfig, general?: SessionStateSettings): DynamicModule {
    const leaseTtlMs = config.lease_ttl * 1000;
    return {
      module: ClusterModule,
      controllers: [ReplicasMonitorController],
      providers: [
        { provide: CLUSTER_CONFIG, useValue: config },
        { provide: CLUSTER_REDIS, useFactory: () => connectClusterRedis(config.redis_url, COMMAND_TIMEOUT_MS) },
        ...sessionStateProviders(config, general),
        ReplicaIdentity,
        ReplicaDirectory,
        ReplicaPresence,
        PeerUsersCollector,
        { provide: RedisUserOwnership, useFactory: (redis: Redis, replica: ReplicaIdentity) => new RedisUserOwnership(redis, replica, { keyPrefix: config.key_prefix, leaseTtlMs }), inject: [CLUSTER_REDIS, ReplicaIdentity] },
        { provide: LeaseRenewalScheduler, useFactory: (ownership: RedisUserOwnership) => new LeaseRenewalScheduler(ownership, leaseTtlMs), inject: [RedisUserOwnership] },
        { provide: OwnerProxy, useFactory: (replica: ReplicaIdentity) => new OwnerProxy(replica.id), inject: [ReplicaIdentity] },
        {
          provide: UserHandover,
          useFactory: (registry: SessionRegistry, sessions: SessionLifecycle, backends: SessionBackends, ownership: RedisUserOwnership) => new UserHandover(registry, sessions, backends, ownership),
          inject: [SessionRegistry, SessionLifecycle, SessionBackends, RedisUserOwnership],
        },
        OwnerForwarding,
        ClusterDrain,
      ],
      exports: [CLUSTER_CONFIG, CLUSTER_REDIS, ReplicaIdentity, ReplicaDirectory, RedisUserOwnership],
    };
  }

  /** Before any request: sessions claim their users here, leases are renewed from now on, responses name the replica. */
  onModuleInit(): void {
    this.backends.use({ ownership: this.ownership });
    this.renewal.start();
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (fastify?.addHook) registerReplicaHeader(fastify, this.replica.id);
  }

  /**
   * In order, while Redis still answers: the drain (sessions ended, leases released), leaving the
   * directory; then its connection closes.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.drain.finish();
    await this.presence.leave();
    this.proxy.close();
    // quit() waits for Redis; a frozen one must not hold the shutdown.
    await Promise.race([this.redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS).unref())]);
    this.redis.disconnect();
  }
}
