import { HttpStatus } from '@nestjs/common';
import { RuntimeMessages } from '../runtime.messages';
import { UserscopeHttpError } from './invocation.exception';

/**
 * Another live replica holds the user: their instances live there. Cluster mode forwards the
 * request to it; this 503 is what a caller sees only when that could not be done.
 */
export class UserOwnedElsewhereError extends UserscopeHttpError {
  constructor(
    readonly userId: string,
    readonly ownerReplica: string,
  ) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'user_owned_elsewhere', message: RuntimeMessages.userOwnedElsewhere(userId, ownerReplica), details: { replica: ownerReplica } },
      { 'retry-after': '1' },
    );
  }
}

/** This process's claim on the user was superseded: its instances were dropped and the call's state not saved. */
export class LeaseLostError extends UserscopeHttpError {
  constructor(readonly userId: string) {
    super(HttpStatus.SERVICE_UNAVAILABLE, { code: 'lease_lost', message: RuntimeMessages.leaseLost(userId) }, { 'retry-after': '1' });
  }
}
