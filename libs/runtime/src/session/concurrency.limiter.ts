import { UserConcurrencyError } from '../exceptions/invocation.exception';
import { RuntimeMessages } from '../runtime.messages';
import { UserSession } from './user-session';

/** The per-user concurrency limit: `max` requests run at once, `maxQueued` wait, for at most `timeoutMs`. */
export class ConcurrencyLimiter {
  constructor(
    private readonly max: number,
    private readonly maxQueued: number,
    private readonly timeoutMs: number,
  ) {}

  /** Takes a slot if one is free now (no queue waiting ahead); false otherwise. */
  tryTake(session: UserSession): boolean {
    if (session.activeRequests >= this.max || session.waiting.length > 0) return false;
    session.activeRequests++;
    return true;
  }

  /** Resolves when the request may run (counted in `activeRequests`); throws a 429 when it may not. */
  async take(session: UserSession): Promise<void> {
    if (this.tryTake(session)) return;
    if (session.waiting.length >= this.maxQueued) {
      throw new UserConcurrencyError(RuntimeMessages.queueFull(session.activeRequests, session.waiting.length), 1);
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = session.waiting.indexOf(admit);
        if (at >= 0) session.waiting.splice(at, 1);
        reject(new UserConcurrencyError(RuntimeMessages.queueTimeout(this.timeoutMs / 1000), 1));
      }, this.timeoutMs);
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      session.waiting.push(admit);
    });
  }

  /** Frees a slot: handed straight to the oldest waiting request, if any. */
  give(session: UserSession): void {
    const next = session.waiting.shift();
    if (next) next(); // the slot passes on; activeRequests stays the same
    else session.activeRequests--;
  }
}
