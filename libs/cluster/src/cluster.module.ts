import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import Redis from 'ioredis';
import { SessionBackends } from '@userscope/runtime';
import { CLUSTER_REDIS, connectClusterRedis } from './redis/cluster-redis.connection';
import { ClusterConfig } from './config/cluster.config';
import { ReplicaIdentity } from './replica/replica-identity';
import { RedisUserOwnership } from './ownership/redis-user.ownership';
import { LeaseRenewalScheduler } from './ownership/lease-renewal.scheduler';
import { OwnerProxy } from './forwarding/owner.proxy';
import { OwnerForwarding } from './forwarding/owner-forwarding.hook';
import { ClusterDrain } from './drain/cluster-drain';
import { registerReplicaHeader } from './http/replica-header.hook';

/** Options token: the checked `general.cluster`. */
export const CLUSTER_CONFIG = Symbol.for('userscope:cluster-config');

/** A Redis command unanswered this long fails, so a request never hangs on an unreachable Redis. */
const COMMAND_TIMEOUT_MS = 2_000;

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
    @Inject(ReplicaIdentity) private readonly replica: ReplicaIdentity,
    @Inject(OwnerProxy) private readonly proxy: OwnerProxy,
    private readonly drain: ClusterDrain,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  static forRoot(config: ClusterConfig): DynamicModule {
    const leaseTtlMs = config.lease_ttl * 1000;
    return {
      module: ClusterModule,
      providers: [
        { provide: CLUSTER_CONFIG, useValue: config },
        { provide: CLUSTER_REDIS, useFactory: () => connectClusterRedis(config.redis_url, COMMAND_TIMEOUT_MS) },
        // The address is asked for when the first user is claimed, after the server listens.
        { provide: ReplicaIdentity, useFactory: (host?: HttpAdapterHost) => new ReplicaIdentity(config, () => host?.httpAdapter?.getHttpServer?.()?.address()), inject: [{ token: HttpAdapterHost, optional: true }] },
        { provide: RedisUserOwnership, useFactory: (redis: Redis, replica: ReplicaIdentity) => new RedisUserOwnership(redis, replica, { keyPrefix: config.key_prefix, leaseTtlMs }), inject: [CLUSTER_REDIS, ReplicaIdentity] },
        { provide: LeaseRenewalScheduler, useFactory: (ownership: RedisUserOwnership) => new LeaseRenewalScheduler(ownership, leaseTtlMs), inject: [RedisUserOwnership] },
        { provide: OwnerProxy, useFactory: (replica: ReplicaIdentity) => new OwnerProxy(replica.id), inject: [ReplicaIdentity] },
        OwnerForwarding,
        ClusterDrain,
      ],
      exports: [CLUSTER_CONFIG, CLUSTER_REDIS, ReplicaIdentity, RedisUserOwnership],
    };
  }

  /** Before any request: sessions claim their users here, and leases are renewed from now on. */
  onModuleInit(): void {
    this.backends.use({ ownership: this.ownership });
    this.renewal.start();
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (fastify?.addHook) registerReplicaHeader(fastify, this.replica.id);
  }

  /** After the drain: sessions ended and leases released while Redis still answers, then its connection closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.drain.finish();
    this.proxy.close();
    // quit() waits for Redis; a frozen one must not hold the shutdown.
    await Promise.race([this.redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS).unref())]);
    this.redis.disconnect();
  }
}
