import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages, OwnerSilence } from '../cluster.messages';

/**
 * The replica holding the user did not answer: a forwarded request or a batch call went unanswered
 * for `forward_timeout` (paused, overloaded, cut off), or its connection was refused or reset (it
 * died). One code for both, since a client does the same either way: nobody else may serve the user
 * until the owner's lease runs out, so it retries after the Retry-After (at least 1 s), and then the
 * replica it reaches serves the user. The message says which it was.
 */
export class OwnerUnresponsiveError extends UserscopeHttpError {
  constructor(
    readonly userId: string,
    readonly ownerReplica: string,
    silence: OwnerSilence,
    leaseRemainingMs: number,
  ) {
    const retryAfter = Math.max(1, Math.ceil(leaseRemainingMs / 1000));
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'owner_unresponsive', message: ClusterMessages.ownerUnresponsive(userId, ownerReplica, silence, retryAfter), details: { replica: ownerReplica } },
      { 'retry-after': String(retryAfter) },
    );
  }
}
