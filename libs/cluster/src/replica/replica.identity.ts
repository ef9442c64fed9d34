import { Inject, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { CLUSTER_CONFIG } from '../cluster.constants';
import { ClusterConfig } from '../config/cluster.config';
import { ClusterMessages } from '../cluster.messages';

/**
 * Who this replica is: its id (`general.cluster.replica_id`, else `<hostname>-<pid>`) and the address
 * other replicas reach it at (`advertise_url`, else `http://<bound host>:<port>`). The address is
 * read lazily: the port is known only once the server listens (`--port 0` picks one then).
 */
@Injectable()
export class ReplicaIdentity {
  readonly id: string;
  /** The `userscope` package version this replica runs (this package's, if `userscope` is not installed). */
  readonly version: string = userscopeVersion();

  constructor(
    @Inject(CLUSTER_CONFIG) private readonly config: ClusterConfig,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {
    this.id = config.replica_id ?? defaultReplicaId();
  }

  /** Whether this app serves HTTP at all (an application context, e.g. `userscope run`, does not). */
  get servesHttp(): boolean {
    return this.adapterHost?.httpAdapter?.getHttpServer?.() !== undefined;
  }

  /** Whether the server is listening yet (so other replicas can reach it, and `address` is known). */
  get listening(): boolean {
    return this.boundAddress() !== undefined;
  }

  /** Where other replicas reach this one; throws before the server listens (unless advertise_url is set). */
  get address(): string {
    if (this.config.advertise_url) return this.config.advertise_url.replace(/\/+$/, '');
    const bound = this.boundAddress();
    if (!bound) throw new Error(ClusterMessages.addressBeforeListening());
    return advertisedAddress(bound, hostname());
  }

  private boundAddress(): AddressInfo | undefined {
    const address = this.adapterHost?.httpAdapter?.getHttpServer?.()?.address?.();
    return address && typeof address === 'object' ? address : undefined;
  }
}

/** `<hostname>-<pid>`, kept to replica_id's alphabet and length. */
export function defaultReplicaId(host = hostname(), pid = process.pid): string {
  const suffix = `-${pid}`;
  const safeHost = host.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64 - suffix.length) || 'replica';
  return `${safeHost}${suffix}`;
}

/** `http://<host>:<port>` of a bound socket: its own address, or the hostname when bound to every interface. */
export function advertisedAddress(bound: AddressInfo, host: string): string {
  const wildcard = bound.address === '0.0.0.0' || bound.address === '::';
  const name = wildcard ? host : bound.family === 'IPv6' || bound.address.includes(':') ? `[${bound.address}]` : bound.address;
  return `http://${name}:${bound.port}`;
}

function userscopeVersion(): string {
  for (const pkg of ['userscope/package.json', '../../package.json']) {
    try {
      return (require(pkg) as { version: string }).version;
    } catch {
      // not installed: try the next
    }
  }
  return 'unknown';
}
