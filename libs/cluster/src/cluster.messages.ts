/** Texts of the errors cluster mode answers with, and of what it logs. */
export const ClusterMessages = {
  draining: (replica: string, userId: string) =>
    `Replica '${replica}' is shutting down and takes no new users; retry: another replica will serve user '${userId}'.`,
  redisUnavailable: (detail: string) => `The cluster's Redis does not answer (${detail}); retry shortly.`,
  drainingCheck: (replica: string) => `replica '${replica}' is draining (shutting down): it takes no new users`,
  leasesUnconfirmed: (count: number, ttlMs: number) =>
    `${count} lease(s) could not be renewed for ${ttlMs} ms (Redis unreachable): they may have expired, so their users' sessions end here`,
  renewalFailed: (detail: string) => `Renewing the leases failed (${detail}); retrying at the next pass`,
  releaseFailed: (detail: string) => `Releasing leases failed (${detail}); they expire by themselves within lease_ttl`,
  forwardFailed: (replica: string, url: string, detail: string) =>
    `Forwarding to replica '${replica}' at ${url} failed after it connected (${detail})`,
  drainWaiting: (users: number) => `Draining: waiting for the requests in flight of ${users} user(s)`,
  drained: (leases: number) => `Drained: the sessions ended and ${leases} lease(s) were released`,
} as const;
