import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';

/** The replica directory could not be read: the cluster's Redis does not answer. */
export class DirectoryUnavailableError extends UserscopeHttpError {
  constructor(cause: Error) {
    super(HttpStatus.SERVICE_UNAVAILABLE, { code: 'cluster_directory_unavailable', message: ClusterMessages.directoryUnavailable(cause.message) }, { 'retry-after': '1' });
  }
}
