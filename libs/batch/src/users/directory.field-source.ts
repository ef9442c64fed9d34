import { UserFieldSource } from '@userscope/runtime';
import { BatchStore } from '../store/batch-store.interface';
import { userField } from '../templates/template.renderer';

/** How long a user's fields are trusted once read: an edit in the directory applies within it. */
const CACHE_MS = 5000;
/** Users kept in the cache at most; the oldest read is dropped first. */
const CACHE_USERS = 10_000;

/** The users directory as a source of users' fields (the limits' `groups`), read through a short cache. */
export class DirectoryFieldSource implements UserFieldSource {
  private readonly cache = new Map<string, { user: Record<string, unknown> | undefined; at: number }>();

  constructor(private readonly store: BatchStore) {}

  async fieldOf(userId: string, path: string): Promise<unknown> {
    let entry = this.cache.get(userId);
    if (!entry || Date.now() - entry.at >= CACHE_MS) {
      const [user] = await this.store.getUsers([userId]);
      entry = { user: user as Record<string, unknown> | undefined, at: Date.now() };
      this.cache.delete(userId);
      this.cache.set(userId, entry);
      if (this.cache.size > CACHE_USERS) this.cache.delete(this.cache.keys().next().value!);
    }
    return userField(entry.user, path);
  }
}
