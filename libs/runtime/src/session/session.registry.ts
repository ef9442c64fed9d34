import { Injectable } from '@nestjs/common';
import { UserSession } from './user-session';

/**
 * Stores the live sessions by user id, least recently used first. Only stores: building and ending
 * are SessionLifecycle's job.
 */
@Injectable()
export class SessionRegistry {
  // A Map iterates in insertion order; re-inserting on use keeps it ordered by last use, so the
  // idle sweep and the LRU cap read from the front and stop early.
  private readonly sessions = new Map<string, UserSession>();

  get(userId: string): UserSession | undefined {
    return this.sessions.get(userId);
  }

  /** The user's session, created (not yet built) when the user has none. */
  getOrCreate(userId: string): UserSession {
    let session = this.sessions.get(userId);
    if (!session) {
      session = new UserSession(userId);
      this.sessions.set(userId, session);
    }
    return session;
  }

  /** Marks `session` as the most recently used. */
  touch(session: UserSession): void {
    if (this.sessions.get(session.userId) !== session) return;
    this.sessions.delete(session.userId);
    this.sessions.set(session.userId, session);
  }

  /** Forgets `session` if it is still the one registered for its user. */
  remove(session: UserSession): void {
    if (this.sessions.get(session.userId) === session) this.sessions.delete(session.userId);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Sessions, least recently used first. */
  values(): IterableIterator<UserSession> {
    return this.sessions.values();
  }
}
