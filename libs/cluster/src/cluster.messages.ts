/** Texts of cluster mode's errors and logs. */
export const ClusterMessages = {
  addressBeforeListening: () =>
    "This replica's address is known once the server listens; set general.cluster.advertise_url (or USERSCOPE_ADVERTISE_URL) to fix it ahead.",
  replicaIdInUse: (id: string, address: string, heartbeatAt: string) =>
    `general.cluster.replica_id '${id}' is in use by a live replica (address ${address || 'not yet known'}, last heartbeat ${heartbeatAt}). ` +
    'Give each replica its own id (USERSCOPE_REPLICA_ID), or leave it unset for <hostname>-<pid>.',
  waitingForHolder: (id: string, waitMs: number) =>
    `Replica id '${id}' has an entry in the directory; waiting ${waitMs} ms for its heartbeat to tell whether that replica is alive`,
  tookOverStaleEntry: (id: string) => `Replica id '${id}': its previous holder stopped heartbeating; this replica takes the id over`,
  registered: (id: string, address: string) => `Replica '${id}' registered in the cluster directory at ${address}`,
  reRegistered: (id: string) => `Replica '${id}': its directory entry had expired (paused or cut off from Redis for a lease_ttl); registered again`,
  displaced: (id: string) =>
    `Replica '${id}': another process now holds this replica id in the directory; this one stops heartbeating. Give each replica its own id.`,
  heartbeatFailed: (id: string, error: string) => `Replica '${id}': heartbeat to the directory failed (${error}); retrying`,
  heartbeatRecovered: (id: string) => `Replica '${id}': heartbeats reach the directory again`,
  left: (id: string) => `Replica '${id}' left the cluster directory`,
  directoryUnavailable: (error: string) => `The cluster directory (the cluster's Redis) does not answer: ${error}`,
  peerTimedOut: (timeoutMs: number) => `no answer within ${timeoutMs} ms`,
  peerUnreachable: (error: string) => `unreachable: ${error}`,
  peerRefused: (status: number, message: string) => `answered ${status}${message ? `: ${message}` : ''}`,
  peerMalformed: () => 'answered with a body that is not a monitor reply',
  peerGone: (heartbeatAt: string) => `gone: its directory entry expired without it leaving (last heartbeat ${heartbeatAt})`,
  peerStarting: () => 'starting: not listening yet',
} as const;
