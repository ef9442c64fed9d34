import { toMilliseconds } from '@userscope/runtime';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { ClusterMonitor, MissingReplica, MonitorBackends, PeerUsersQuery, PeerUsersReport, UserMonitorEntry } from '@userscope/http';
import { CLUSTER_CONFIG } from '../cluster.constants';
import { ClusterMessages } from '../cluster.messages';
import { ClusterConfig } from '../config/cluster.config';
import { ReplicaDirectory } from '../directory/replica.directory';
import { ReplicaRecord } from '../directory/replica-entry.interface';
import { DirectoryUnavailableError } from '../exceptions/directory-unavailable.exception';
import { ReplicaIdentity } from '../replica/replica.identity';

type PeerAnswer = { users: UserMonitorEntry[]; total: number } | { missing: MissingReplica };

/**
 * The cluster half of `/monitor/users`: asks every other live replica of the directory for its own
 * users (`?scope=local`, with the caller's Authorization), all at once, each within
 * `general.cluster.monitor_timeout`. A replica that does not answer, or is gone from the directory
 * without leaving, is reported as missing, never left out.
 */
@Injectable()
export class PeerUsersCollector implements ClusterMonitor, OnModuleInit {
  private readonly timeoutMs: number;

  constructor(
    private readonly identity: ReplicaIdentity,
    private readonly directory: ReplicaDirectory,
    private readonly backends: MonitorBackends,
    @Inject(CLUSTER_CONFIG) config: ClusterConfig,
  ) {
    this.timeoutMs = toMilliseconds(config.monitor_timeout);
  }

  onModuleInit(): void {
    this.backends.use({ cluster: this });
  }

  get replicaId(): string {
    return this.identity.id;
  }

  async peerUsers(query: PeerUsersQuery): Promise<PeerUsersReport> {
    const listing = await this.directory.list().catch((error: Error) => {
      throw new DirectoryUnavailableError(error);
    });
    // A replica still starting listens nowhere yet, so it holds nobody.
    const peers = listing.replicas.filter((replica) => replica.id !== this.identity.id && replica.address !== '');
    const answers = await Promise.all(peers.map((peer) => this.ask(peer, query)));
    const report: PeerUsersReport = { users: [], totalActiveUsers: 0, missing: [] };
    for (const answer of answers) {
      if ('missing' in answer) report.missing.push(answer.missing);
      else {
        report.users.push(...answer.users);
        report.totalActiveUsers += answer.total;
      }
    }
    for (const gone of listing.gone) {
      if (gone.id !== this.identity.id) report.missing.push({ id: gone.id, address: '', reason: ClusterMessages.peerGone(gone.heartbeat_at) });
    }
    return report;
  }

  private async ask(peer: ReplicaRecord, { userId, authorization }: PeerUsersQuery): Promise<PeerAnswer> {
    const missing = (reason: string): PeerAnswer => ({ missing: { id: peer.id, address: peer.address, reason } });
    const params = new URLSearchParams({ scope: 'local', ...(userId === undefined ? {} : { user_id: userId }) });
    try {
      const response = await fetch(`${peer.address}/monitor/users?${params}`, {
        headers: { accept: 'application/json', ...(authorization ? { authorization } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = (await response.json().catch(() => undefined)) as { users?: unknown; total_active_users?: unknown; message?: unknown } | undefined;
      if (!response.ok) return missing(ClusterMessages.peerRefused(response.status, typeof body?.message === 'string' ? body.message : ''));
      if (!body || !Array.isArray(body.users) || typeof body.total_active_users !== 'number') return missing(ClusterMessages.peerMalformed());
      const users = (body.users as UserMonitorEntry[]).map((user) => ({ ...user, replica: user.replica ?? peer.id }));
      return { users, total: body.total_active_users };
    } catch (error) {
      const failure = error as Error & { cause?: { code?: string; message?: string } };
      if (failure.name === 'TimeoutError' || failure.name === 'AbortError') return missing(ClusterMessages.peerTimedOut(this.timeoutMs));
      return missing(ClusterMessages.peerUnreachable(failure.cause?.code ?? failure.cause?.message ?? failure.message));
    }
  }
}
