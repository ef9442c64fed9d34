/** Options token: the checked `general.cluster`. */
export const CLUSTER_CONFIG = Symbol.for('userscope:cluster-config');

/** A command to the cluster's Redis unanswered this long fails, so a request never hangs on an unreachable Redis. */
export const CLUSTER_REDIS_COMMAND_TIMEOUT_MS = 2_000;
