/** Options token: the checked `general.cluster`. */
export const CLUSTER_CONFIG = Symbol.for('userscope:cluster-config');
