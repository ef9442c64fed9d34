import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';

/** A call of a replica's internal route whose signature is wrong, stale or replayed, or that this replica cannot check. */
export class InternalCallRefusedError extends UserscopeHttpError {
  constructor(readonly reason: string) {
    super(HttpStatus.FORBIDDEN, { code: 'cluster_call_refused', message: ClusterMessages.callRefused(reason) });
  }
}
