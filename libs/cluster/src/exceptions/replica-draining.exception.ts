import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';

/** This replica is shutting down (SIGTERM): it serves the users it has, and no new one. */
export class ReplicaDrainingError extends UserscopeHttpError {
  constructor(
    readonly replica: string,
    readonly userId: string,
  ) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'replica_draining', message: ClusterMessages.draining(replica, userId), details: { replica } },
      { 'retry-after': '1' },
    );
  }
}
