import { ConfigIssue, ConfigSection, isMapping, UserscopeConfig, validateConfigSection } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
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
      const file: Record<string, unknown> = { ...((value as Record<string, unknown> | null) ?? {}) };
      const merged = { ...file };
      for (const [key, name] of Object.entries(CLUSTER_ENV)) if (env[name]) merged[key] = env[name];
      if (merged.secret === '') delete merged.secret; // `secret: ${UNSET:-}`: no secret
      // USERSCOPE_CLUSTER_SECRET alone (set in every environment, say) does not make a single process a replica.
      if (Object.keys(file).length === 0 && Object.keys(merged).every((key) => key === 'secret')) {
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

/**
 * The issue of a cluster without `general.cluster.secret` whose batch workflows call functions
 * (`callers`): a run's calls for a user another replica owns are sent to that replica, signed with it.
 */
export function clusterSecretIssue(cluster: ClusterConfig, callers: string[]): ConfigIssue | undefined {
  if (cluster.secret || callers.length === 0) return undefined;
  return { path: 'general.cluster.secret', message: ClusterMessages.secretRequired(callers) };
}
