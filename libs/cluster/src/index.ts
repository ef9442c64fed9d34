export { CLUSTER_CONFIG, ClusterModule } from './cluster.module';
export { CLUSTER_ENV, ClusterConfig } from './config/cluster.config';
export { clusterConfigOf, clusterConfigSection } from './config/cluster-config.section';
export { CLUSTER_REDIS, redactRedisUrl } from './redis/cluster-redis.connection';
