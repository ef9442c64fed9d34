import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import Redis from 'ioredis';
import { SessionBackends, SessionLifecycle, SessionRegistry, UserInvoker, toMilliseconds } from '@userscope/runtime';
import { TokenAccounting } from '@userscope/llm';
import { useUserscopeErrors } from '@userscope/http';
import { CLUSTER_REDIS, connectClusterRedis } from './redis/cluster-redis.connection';
import { ClusterConfig } from './config/cluster.config';
import { sessionStateProviders, SessionStateSettings } from './state/session-state.providers';
import { CLUSTER_CONFIG, CLUSTER_REDIS_COMMAND_TIMEOUT_MS as COMMAND_TIMEOUT_MS } from './cluster.constants';
import { ReplicaIdentity } from './replica/replica.identity';
import { ReplicaDirectory } from './directory/replica.directory';
import { ReplicaPresence } from './directory/replica.presence';
import { registerReplicaHeader } from './http/replica-header.hook';
import { registerGenerateLaneGate } from './http/generate-lane.gate';
import { PeerUsersCollector } from './monitor/peer-users.collector';
import { ReplicasMonitorController } from './monitor/replicas-monitor.controller';
import { RedisUserOwnership } from './ownership/redis-user.ownership';
import { LeaseRenewalScheduler } from './ownership/lease-renewal.scheduler';
import { OwnerProxy } from './forwarding/owner.proxy';
import { OwnerForwarding } from './forwarding/owner-forwarding.hook';
import { ClusterDrain } from './drain/cluster-drain';
import { UserHandover } from './rebalance/user.handover';
import { InternalCallSignature } from './invocation/internal-call.signature';
import { INVOCATION_CONTENT_TYPE } from './invocation/invocation.constants';
import { OwnerInvocationClient } from './invocation/owner-invocation.client';
import { InternalCallNonces } from './invocation/internal-call.nonces';
import { INTERNAL_CALL_NONCES, INTERNAL_CALL_SIGNATURE, OwnerInvocationController } from './invocation/owner-invocation.controller';

export { CLUSTER_CONFIG } from './cluster.constants';

useUserscopeErrors(ReplicasMonitorController, OwnerInvocationController);

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
    private readonly invoker: UserInvoker,
    @Inject(OwnerInvocationClient) private readonly invocations: OwnerInvocationClient,
    private readonly forwarding: OwnerForwarding,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** `general` gives the saved-state settings (`session_state: redis` installs the Redis store). */
  static forRoot(config: ClusterConfig, general?: SessionStateSettings): DynamicModule {
    const leaseTtlMs = toMilliseconds(config.lease_ttl);
    return {
      module: ClusterModule,
      controllers: [ReplicasMonitorController, OwnerInvocationController],
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
        { provide: INTERNAL_CALL_SIGNATURE, useFactory: () => (config.secret ? new InternalCallSignature(config.secret) : null) },
        { provide: INTERNAL_CALL_NONCES, useFactory: (redis: Redis) => new InternalCallNonces(redis, config.key_prefix), inject: [CLUSTER_REDIS] },
        {
          provide: OwnerInvocationClient,
          useFactory: (replica: ReplicaIdentity, ownership: RedisUserOwnership, signature: InternalCallSignature | null, accounting?: TokenAccounting) =>
            new OwnerInvocationClient(replica.id, ownership, signature ?? undefined, accounting, toMilliseconds(config.forward_timeout)),
          inject: [ReplicaIdentity, RedisUserOwnership, INTERNAL_CALL_SIGNATURE, { token: TokenAccounting, optional: true }],
        },
      ],
      exports: [CLUSTER_CONFIG, CLUSTER_REDIS, ReplicaIdentity, ReplicaDirectory, RedisUserOwnership],
    };
  }

  /**
   * Before any request: sessions claim their users here, leases are renewed from now on, calls of
   * users other replicas own go there, responses name the replica.
   */
  onModuleInit(): void {
    this.backends.use({ ownership: this.ownership });
    this.invoker.use(this.invocations);
    this.renewal.start();
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (fastify?.addHook) {
      registerReplicaHeader(fastify, this.replica.id);
      registerGenerateLaneGate(fastify, this.replica.id, this.forwarding);
    }
    // The calls' bodies reach their route as text: the signature covers those very bytes.
    if (fastify?.addContentTypeParser && !fastify.hasContentTypeParser(INVOCATION_CONTENT_TYPE)) {
      fastify.addContentTypeParser(INVOCATION_CONTENT_TYPE, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    }
  }

  /**
   * In order, while Redis still answers: the drain (sessions ended, leases released), leaving the
   * directory; then its connection closes.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.drain.finish();
    await this.presence.leave();
    this.proxy.close();
    this.invocations.close();
    // quit() waits for Redis; a frozen one must not hold the shutdown.
    await Promise.race([this.redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS).unref())]);
    this.redis.disconnect();
  }
}
