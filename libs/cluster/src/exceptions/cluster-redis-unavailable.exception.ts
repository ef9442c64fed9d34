import { HttpStatus } from '@nestjs/common';
import { UserscopeHttpError } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';

/** The cluster's Redis did not answer a lease command: nobody can tell who owns the user. */
export class ClusterRedisUnavailableError extends UserscopeHttpError {
  constructor(cause: unknown) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'cluster_redis_unavailable', message: ClusterMessages.redisUnavailable(String((cause as Error)?.message ?? cause)) },
      { 'retry-after': '1' },
    );
  }
}
