import { Injectable } from '@nestjs/common';

/** Something that keeps a user's data beyond their session (their secrets, say): deleted with the user. */
export interface UserDataHolder {
  /** What it keeps, for messages: "secrets". */
  readonly name: string;
  /** Deletes what it keeps of `userId`; how many items were deleted. */
  deleteUser(userId: string): Promise<number>;
}

/**
 * Where the libraries that keep per-user data register it, so that deleting a user (the batch
 * `DELETE /api/users/{id}`, `DELETE /monitor/users/{id}?purge=true`) deletes all of it, whichever
 * library asks and whichever keeps it.
 */
@Injectable()
export class UserDataRegistry {
  private readonly holders: UserDataHolder[] = [];

  register(holder: UserDataHolder): void {
    this.holders.push(holder);
  }

  /** Deletes `userId`'s data from every holder (each is tried; the first failure is thrown after); the items deleted. */
  async deleteUser(userId: string): Promise<number> {
    const results = await Promise.allSettled(this.holders.map((holder) => holder.deleteUser(userId)));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    return results.reduce((sum, result) => sum + (result as PromiseFulfilledResult<number>).value, 0);
  }
}
