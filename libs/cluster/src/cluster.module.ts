import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { CLUSTER_REDIS, connectClusterRedis } from './redis/cluster-redis.connection';
import { ClusterConfig } from './config/cluster.config';
import { sessionStateProviders, SessionStateSettings } from './state/session-state.providers';

/** Options token: the checked `general.cluster`. */
export const CLUSTER_CONFIG = Symbol.for('userscope:cluster-config');

/** A Redis command unanswered this long fails, so a request never hangs on an unreachable Redis. */
const COMMAND_TIMEOUT_MS = 2_000;

/**
 * Cluster mode: this server is one replica of many on one Redis (`general.cluster`). Loaded by
 * `UserscopeModule` when the config has `general.cluster`.
 */
@Module({})
export class ClusterModule implements OnApplicationShutdown {
  constructor(@Inject(CLUSTER_REDIS) private readonly redis: Redis) {}

  /** `general` gives the saved-state settings (`session_state: redis` installs the Redis store). */
  static forRoot(config: ClusterConfig, general?: SessionStateSettings): DynamicModule {
    return {
      module: ClusterModule,
      providers: [
        { provide: CLUSTER_CONFIG, useValue: config },
        { provide: CLUSTER_REDIS, useFactory: () => connectClusterRedis(config.redis_url, COMMAND_TIMEOUT_MS) },
        ...sessionStateProviders(config, general),
      ],
      exports: [CLUSTER_CONFIG, CLUSTER_REDIS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    // quit() waits for Redis; a frozen one must not hold the shutdown.
    await Promise.race([this.redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, COMMAND_TIMEOUT_MS).unref())]);
    this.redis.disconnect();
  }
}
