/** A replica as the directory holds it (`P replica:<id>`). */
export interface ReplicaEntry {
  id: string;
  /** The `userscope` package version it runs. */
  version: string;
  /** Where other replicas reach it; empty while it starts (not listening yet). */
  address: string;
  /** Its live sessions at its last heartbeat. */
  users: number;
  /** ISO 8601. */
  started_at: string;
  /** ISO 8601, by the replica's clock. */
  heartbeat_at: string;
}

/** An entry with the process that wrote it: a random id per process, so a restart under the same replica id is told apart. */
export interface ReplicaRecord extends ReplicaEntry {
  instance: string;
}

/** A replica whose entry expired without it leaving (killed, or paused past lease_ttl): its last heartbeat, as the directory's index knows it. */
export interface GoneReplica {
  id: string;
  heartbeat_at: string;
}

/** The whole directory: the entries that exist, and the replicas gone lately. */
export interface DirectoryListing {
  replicas: ReplicaRecord[];
  gone: GoneReplica[];
}
