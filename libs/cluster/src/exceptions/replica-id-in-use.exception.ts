import { ClusterMessages } from '../cluster.messages';

/** Startup refused: a live replica already registered this replica id. */
export class ReplicaIdInUseError extends Error {
  readonly code = 'replica_id_in_use';

  constructor(
    readonly replicaId: string,
    readonly holderAddress: string,
    readonly holderHeartbeatAt: string,
  ) {
    super(ClusterMessages.replicaIdInUse(replicaId, holderAddress, holderHeartbeatAt));
    this.name = 'ReplicaIdInUseError';
  }
}
