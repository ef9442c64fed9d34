export { CLUSTER_CONFIG, ClusterModule } from './cluster.module';
export { CLUSTER_ENV, ClusterConfig } from './config/cluster.config';
export { clusterConfigOf, clusterConfigSection } from './config/cluster-config.section';
export { CLUSTER_REDIS, redactRedisUrl } from './redis/cluster-redis.connection';
export { RedisSessionStateStore, type RedisSessionStateOptions } from './state/redis-session-state.store';
export { SESSION_STATE_STORE, type SessionStateSettings } from './state/session-state.providers';
export { SessionStateTooLargeError } from './exceptions/session-state-too-large.exception';
export { StateStoreUnavailableError } from './exceptions/state-store-unavailable.exception';
