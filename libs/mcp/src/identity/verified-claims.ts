import { Injectable } from '@nestjs/common';

/**
 * The claims of each user's last verified credential (jwt mode), for `{{identity:claims.X}}`. Only
 * what identity verification recorded is here: a claim a caller merely sent is never used.
 */
@Injectable()
export class VerifiedClaims {
  private readonly byUser = new Map<string, Record<string, unknown>>();

  record(userId: string, claims: Record<string, unknown>): void {
    this.byUser.set(userId, claims);
  }

  of(userId: string): Record<string, unknown> | undefined {
    return this.byUser.get(userId);
  }

  forget(userId: string): void {
    this.byUser.delete(userId);
  }
}
