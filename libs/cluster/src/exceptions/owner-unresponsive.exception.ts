import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';

/**
 * The replica holding the user took the request but does not answer, nor its /health (paused,
 * overloaded, cut off). Nobody else may serve the user until its lease runs out: that is the
 * Retry-After, and the next request after it is served by the replica it reaches.
 */
export class OwnerUnresponsiveError extends UserscopeHttpError {
  constructor(
    readonly userId: string,
    readonly ownerReplica: string,
    waitedMs: number,
    leaseRemainingMs: number,
  ) {
    const retryAfter = Math.max(1, Math.ceil(leaseRemainingMs / 1000));
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'owner_unresponsive', message: ClusterMessages.ownerUnresponsive(userId, ownerReplica, waitedMs, retryAfter), details: { replica: ownerReplica } },
      { 'retry-after': String(retryAfter) },
    );
  }
}
