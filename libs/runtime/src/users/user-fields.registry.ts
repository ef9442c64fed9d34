import { Injectable } from '@nestjs/common';

/** Where a user's fields (`plan`, `team`, ...) are known: the batch users directory, say. */
export interface UserFieldSource {
  /** The value at `path` (dotted) of `userId`'s fields; undefined when the user or the field is unknown. */
  fieldOf(userId: string, path: string): Promise<unknown>;
}

/**
 * Lets a library read a user's fields without knowing who keeps them: the batch library registers
 * its directory; the limits (`general.limits.groups`) read a user's `plan` through it. With no
 * source registered, every field is unknown.
 */
@Injectable()
export class UserFieldsRegistry {
  private source?: UserFieldSource;

  register(source: UserFieldSource): void {
    this.source = source;
  }

  fieldOf(userId: string, path: string): Promise<unknown> {
    return this.source ? this.source.fieldOf(userId, path) : Promise.resolve(undefined);
  }
}
