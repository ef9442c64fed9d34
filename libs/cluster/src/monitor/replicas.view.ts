import { DirectoryListing } from '../directory/replica-entry.interface';
import { ReplicaMonitorEntry } from './dto/replicas-monitor.dto';

/** A replica is stale once it has missed this many heartbeats (its entry expires at three). */
const STALE_AFTER_BEATS = 2;

/** The directory as `GET /monitor/replicas` shows it, sorted by id. */
export function replicaMonitorEntries(listing: DirectoryListing, self: string, heartbeatIntervalMs: number, now = Date.now()): ReplicaMonitorEntry[] {
  const age = (heartbeatAt: string) => Math.max(0, now - Date.parse(heartbeatAt));
  const entries: ReplicaMonitorEntry[] = [
    ...listing.replicas.map((replica) => ({
      id: replica.id,
      status: age(replica.heartbeat_at) > STALE_AFTER_BEATS * heartbeatIntervalMs ? ('stale' as const) : ('live' as const),
      self: replica.id === self,
      version: replica.version,
      address: replica.address,
      users: replica.users,
      started_at: replica.started_at,
      heartbeat_at: replica.heartbeat_at,
      heartbeat_age_ms: age(replica.heartbeat_at),
    })),
    ...listing.gone.map((gone) => ({
      id: gone.id,
      status: 'gone' as const,
      self: gone.id === self,
      version: null,
      address: null,
      users: null,
      started_at: null,
      heartbeat_at: gone.heartbeat_at,
      heartbeat_age_ms: age(gone.heartbeat_at),
    })),
  ];
  return entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
