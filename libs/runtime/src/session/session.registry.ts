import { Injectable } from '@nestjs/common';
import { UserSession } from './user-session';

/** Stores the live sessions by user id. Only stores: building and ending are SessionLifecycle's job. */
@Injectable()
export class SessionRegistry {
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

  /** Forgets `session` if it is still the one registered for its user. */
  remove(session: UserSession): void {
    if (this.sessions.get(session.userId) === session) this.sessions.delete(session.userId);
  }

  get size(): number {
    return this.sessions.size;
  }

  values(): IterableIterator<UserSession> {
    return this.sessions.values();
  }
}
