import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';

/** A call for a user another replica owns, on a replica without `general.cluster.secret` to sign it with. */
export class ClusterSecretUnsetError extends UserscopeHttpError {
  constructor(replica: string, userId: string, owner: string) {
    super(HttpStatus.INTERNAL_SERVER_ERROR, { code: 'cluster_secret_unset', message: ClusterMessages.secretUnsetCaller(replica, userId, owner), details: { replica: owner } });
  }
}
