import { Provider } from '@nestjs/common';
import Redis from 'ioredis';
import { GeneralConfig, SessionBackends } from '@userscope/runtime';
import { ClusterConfig } from '../config/cluster.config';
import { CLUSTER_REDIS, redactRedisUrl } from '../redis/cluster-redis.connection';
import { RedisSessionStateStore } from './redis-session-state.store';

/** The `general` keys durable per-user state reads. */
export type SessionStateSettings = Pick<GeneralConfig, 'session_state' | 'session_state_ttl' | 'session_state_max_bytes'>;

/** The store of users' saved states in cluster mode, when `general.session_state: redis`. */
export const SESSION_STATE_STORE = Symbol.for('userscope:session-state-store');

/**
 * With `general.session_state: redis`, the Redis store, put into `SessionBackends` as it is built
 * (at init, before any request); nothing otherwise, so sessions keep the memory default.
 */
export function sessionStateProviders(cluster: ClusterConfig, settings: SessionStateSettings | undefined): Provider[] {
  if (settings?.session_state !== 'redis') return [];
  return [
    {
      provide: SESSION_STATE_STORE,
      inject: [CLUSTER_REDIS, SessionBackends],
      useFactory: (redis: Redis, backends: SessionBackends) => {
        const store = new RedisSessionStateStore(redis, {
          keyPrefix: cluster.key_prefix,
          ttlSeconds: settings.session_state_ttl,
          maxBytes: settings.session_state_max_bytes,
          redisUrl: redactRedisUrl(cluster.redis_url),
        });
        backends.use({ state: store });
        return store;
      },
    },
  ];
}
