import { Injectable } from '@nestjs/common';
import { ClusterMonitor } from './cluster-monitor.interface';

/**
 * Where `/monitor/users` finds the rest of the cluster: nowhere for a single process, unless a
 * module (cluster mode) puts its own in, at init, before any request.
 */
@Injectable()
export class MonitorBackends {
  cluster: ClusterMonitor | undefined;

  use(backends: { cluster?: ClusterMonitor }): void {
    if (backends.cluster) this.cluster = backends.cluster;
  }
}
