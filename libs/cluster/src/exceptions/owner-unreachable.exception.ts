import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';

/**
 * The replica that owns a user did not answer a call of the user's function (it died, or cannot be
 * reached). Nobody else may serve the user until its lease runs out: that is the Retry-After.
 */
export class OwnerUnreachableError extends UserscopeHttpError {
  constructor(
    readonly userId: string,
    readonly ownerReplica: string,
    ownerUrl: string,
    detail: string,
    leaseRemainingMs: number,
  ) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'owner_unreachable', message: ClusterMessages.ownerUnreachable(userId, ownerReplica, ownerUrl, detail, leaseRemainingMs), details: { replica: ownerReplica } },
      { 'retry-after': String(Math.max(0, Math.ceil(leaseRemainingMs / 1000))) },
    );
  }
}
