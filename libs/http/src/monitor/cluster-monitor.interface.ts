import { MissingReplica, UserMonitorEntry } from './dto/users-monitor.dto';

/** What the monitor asks the other replicas: their users (one user's, with `userId`), with the caller's credentials. */
export interface PeerUsersQuery {
  userId?: string;
  /** The caller's Authorization header, passed on so each replica's admin guard decides for itself. */
  authorization?: string;
}

/** The other replicas' users, and the replicas that could not say. */
export interface PeerUsersReport {
  users: UserMonitorEntry[];
  /** Sum of the answering replicas' live sessions. */
  totalActiveUsers: number;
  missing: MissingReplica[];
}

/** The rest of the cluster, as the monitor sees it. Cluster mode puts one in `MonitorBackends`. */
export interface ClusterMonitor {
  /** This replica's id, on its own users. */
  readonly replicaId: string;
  /** Asks every other live replica of the directory for its local users, in parallel, each within a bound. */
  peerUsers(query: PeerUsersQuery): Promise<PeerUsersReport>;
}
