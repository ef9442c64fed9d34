import { DynamicModule, Inject, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import Redis from 'ioredis';
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
    private readonly identity: ReplicaIdentity,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** `general` gives the saved-state settings (`session_state: redis` installs the Redis store). */
  static forRoot(config: ClusterConfig, general?: SessionStateSettings): DynamicModule {
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
      ],
      exports: [CLUSTER_CONFIG, CLUSTER_REDIS, ReplicaIdentity, ReplicaDirectory],
    };
  }

  /** Fastify hooks go on before the server is ready. */
  onModuleInit(): void {
    const fastify = this.adapterHost?.httpAdapter?.getInstance?.();
    if (fastify?.addHook) registerReplicaHeader(fastify, this.identity.id);
  }

  async onApplicationShutdown(): Promise<void> {
    // quit() waits for Redis; a frozen one must not hold the shutdown.
    await Promise.race([this.redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS).unref())]);
    this.redis.disconnect();
  }
}
