/**
 * How an owner failed to answer: silent for `waitedMs` (and its /health too, when `healthChecked`),
 * or not reached at `url` at all (`detail`: ECONNREFUSED, ECONNRESET, ...).
 */
export type OwnerSilence = { waitedMs: number; healthChecked: boolean } | { url: string; detail: string };

/** Texts of cluster mode's errors and of what it logs. */
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
  draining: (replica: string, userId: string) =>
    `Replica '${replica}' is shutting down and takes no new users; retry: another replica will serve user '${userId}'.`,
  redisUnavailable: (detail: string) => `The cluster's Redis does not answer (${detail}); retry shortly.`,
  drainingCheck: (replica: string) => `replica '${replica}' is draining (shutting down): it takes no new users`,
  leasesUnconfirmed: (userIds: readonly string[], ttlMs: number) =>
    `${userIds.length} lease(s) could not be renewed for ${ttlMs} ms (Redis unreachable): they may have expired, so their users' sessions end here ` +
    `(${userIds.slice(0, 5).map((id) => `'${id}'`).join(', ')}${userIds.length > 5 ? `, and ${userIds.length - 5} more` : ''})`,
  renewalFailed: (detail: string) => `Renewing the leases failed (${detail}); retrying at the next pass`,
  releaseFailed: (detail: string) => `Releasing leases failed (${detail}); they expire by themselves within lease_ttl`,
  forwardFailed: (replica: string, url: string, detail: string) =>
    `Forwarding to replica '${replica}' at ${url} failed after it connected (${detail})`,
  ownerUnresponsive: (userId: string, replica: string, silence: OwnerSilence, retryAfterS: number) =>
    `Replica '${replica}', which holds user '${userId}', ` +
    ('waitedMs' in silence
      ? `took the request but did not answer it within ${seconds(silence.waitedMs)}${silence.healthChecked ? ', nor its /health' : ''} (paused, overloaded or cut off). `
      : `could not be reached at ${silence.url} (${silence.detail}). `) +
    `Its lease on the user runs out within ${retryAfterS} s; retry then, and another replica serves the user.`,
  ownerUnresponsiveLog: (replica: string, url: string, waitedMs: number) =>
    `Replica '${replica}' at ${url} answers neither a forwarded request (for ${seconds(waitedMs)}) nor its /health: ` +
    'its users get 503 owner_unresponsive until their leases expire, then are served where they arrive',
  handedOver: (userId: string, toReplica: string) => `User '${userId}' handed over to replica '${toReplica}', where their requests arrive`,
  drainWaiting: (users: number) => `Draining: waiting for the requests in flight of ${users} user(s)`,
  drained: (leases: number) => `Drained: the sessions ended and ${leases} lease(s) were released`,
  secretRequired: (callers: string[]) =>
    `is required in cluster mode when batch workflows call functions (${callers.slice(0, 3).join(', ')}${callers.length > 3 ? `, and ${callers.length - 3} more` : ''}): ` +
    "a run's call for a user another replica owns is sent to that replica, signed with this secret. " +
    'Set USERSCOPE_CLUSTER_SECRET (the same on every replica, at least 32 characters: openssl rand -hex 32), or general.cluster.secret: ${MY_SECRET}',
  callUnsigned: () => 'This route takes only calls between the replicas of a cluster, signed with their shared secret; this one carries no signature.',
  callRefused: (reason: string) => `This call between replicas is refused: ${reason}.`,
  signatureMismatch: () => 'its signature does not match (the replicas must share one general.cluster.secret)',
  signatureExpired: (skewMs: number, windowMs: number) => `its timestamp is ${Math.round(skewMs / 1000)} s off this replica's clock (at most ${windowMs / 1000} s are accepted)`,
  signatureReplayed: () => 'it was received already (a replayed call)',
  secretUnsetHere: (replica: string) =>
    `replica '${replica}' has no general.cluster.secret, so it accepts no calls from other replicas; set USERSCOPE_CLUSTER_SECRET on every replica`,
  secretUnsetCaller: (replica: string, userId: string, owner: string) =>
    `Replica '${replica}' cannot call user '${userId}'s functions on their owner, replica '${owner}': general.cluster.secret is not set. Set USERSCOPE_CLUSTER_SECRET on every replica.`,
  callerLeft: () => 'the replica that sent the call closed its connection (the run was cancelled, or its deadline passed)',
  notACall: () => `its body is not a call between replicas (JSON sent as application/vnd.userscope.call+json)`,
  ownerGarbled: (owner: string, status: number) => `Replica '${owner}' answered a call of a user's function with status ${status} and a body that is not its reply`,
} as const;

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
