import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';

/** A call of a replica's internal route without the cluster's signature: no replica sent it. */
export class InternalCallUnsignedError extends UserscopeHttpError {
  constructor() {
    super(HttpStatus.UNAUTHORIZED, { code: 'cluster_call_unsigned', message: ClusterMessages.callUnsigned() });
  }
}
