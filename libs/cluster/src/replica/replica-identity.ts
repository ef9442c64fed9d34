import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { ClusterConfig } from '../config/cluster.config';

/** What the HTTP server answers for `address()`: null before it listens. */
export type ListeningAddress = () => AddressInfo | string | null | undefined;

/**
 * Who this replica is in the cluster: its id (`general.cluster.replica_id`, default
 * `<hostname>-<pid>`) and the URL other replicas forward its users' requests to.
 */
export class ReplicaIdentity {
  readonly id: string;
  private computedUrl: string | undefined;

  constructor(
    private readonly config: Pick<ClusterConfig, 'replica_id' | 'advertise_url'>,
    private readonly listening: ListeningAddress = () => undefined,
  ) {
    this.id = config.replica_id ?? `${hostname()}-${process.pid}`;
  }

  /**
   * `general.cluster.advertise_url`, else `http://<host>:<port>` of the server once it listens
   * (asked lazily: the port may be 0 until then): the bound address, the hostname when bound to all
   * interfaces. Undefined while nothing listens (an application context).
   */
  get advertiseUrl(): string | undefined {
    if (this.config.advertise_url) return this.config.advertise_url.replace(/\/+$/, '');
    if (this.computedUrl) return this.computedUrl;
    const address = this.listening();
    if (!address || typeof address === 'string') return undefined; // not listening, or a Unix socket
    this.computedUrl = `http://${hostOf(address.address)}:${address.port}`;
    return this.computedUrl;
  }
}

function hostOf(address: string): string {
  if (address === '0.0.0.0' || address === '::') return hostname(); // all interfaces: the name others know it by
  return address.includes(':') ? `[${address}]` : address; // loopback stays loopback (127.0.0.1, [::1])
}
