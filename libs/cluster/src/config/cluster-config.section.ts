import { ConfigSection, isMapping, UserscopeConfig, validateConfigSection } from '@userscope/runtime';
import { CLUSTER_ENV, ClusterConfig } from './cluster.config';

/**
 * `general.cluster`, with its environment forms applied over the file; absent (a single process)
 * unless one of them sets `redis_url`.
 */
export function clusterConfigSection(env: NodeJS.ProcessEnv = process.env): ConfigSection<ClusterConfig | undefined> {
  return {
    key: 'general.cluster',
    check(value, context) {
      if (value !== undefined && value !== null && !isMapping(value)) {
        context.issues.push({ path: 'general.cluster', message: 'must be a mapping' });
        return undefined;
      }
      const merged: Record<string, unknown> = { ...((value as Record<string, unknown> | null) ?? {}) };
      for (const [key, name] of Object.entries(CLUSTER_ENV)) if (env[name]) merged[key] = env[name];
      if (Object.keys(merged).length === 0) {
        if (context.general.session_state === 'redis') {
          context.issues.push({ path: 'general.session_state', message: "'redis' needs general.cluster (its redis_url, and the leases that fence writes); one replica is a cluster of one" });
        }
        return undefined;
      }
      return validateConfigSection(ClusterConfig, merged, 'general.cluster', context.issues);
    },
  };
}

/** The `general.cluster` of a loaded config; undefined for a single process. */
export function clusterConfigOf(config: UserscopeConfig): ClusterConfig | undefined {
  return config.sections.get('general.cluster') as ClusterConfig | undefined;
}
