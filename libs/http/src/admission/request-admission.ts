import { Injectable } from '@nestjs/common';
import { SessionLifecycle, UserSession } from '@userscope/runtime';

/** A request that entered its user's session outside Userscope's own routes (a request-scoped controller). */
interface Admission {
  admitted: Promise<UserSession>;
  started: number;
  state: 'waiting' | 'running' | 'done';
  /** Gives the slot back to the app that admitted it. */
  release(session: UserSession, latencyMs: number, failed: boolean): void;
}

// Kept on the request object: the strategy, the interceptor and the response hook each see only the request.
const ADMISSION = Symbol.for('userscope:request-admission');
type AdmittedRequest = { [ADMISSION]?: Admission };

/**
 * Counts a request to a request-scoped controller as one of its user's requests: the session is
 * acquired when Nest picks the request's context (so limits hold, and the idle sweep sees it busy)
 * and released when the handler is done (`finishAdmission`).
 */
@Injectable()
export class RequestAdmission {
  constructor(private readonly sessions: SessionLifecycle) {}

  /** Starts `userId`'s request; the session it runs in (being built if new). */
  admit(request: object, userId: string): UserSession {
    const session = this.sessions.open(userId);
    const admission: Admission = {
      admitted: this.sessions.acquire(userId),
      started: performance.now(),
      state: 'waiting',
      release: (admitted, latencyMs, failed) => this.sessions.release(admitted, latencyMs, failed),
    };
    admission.admitted.then(
      (admitted) => {
        if (admission.state === 'waiting') admission.state = 'running';
        else admission.release(admitted, 0, false); // the request ended while it waited
      },
      () => (admission.state = 'done'), // refused (429/503) or the build failed: nothing to release
    );
    (request as AdmittedRequest)[ADMISSION] = admission;
    return session;
  }
}

/** The request's wait for its slot (rejects with the limit's error: 429, 503); undefined when not admitted. */
export function whenAdmitted(request: object): Promise<UserSession> | undefined {
  return (request as AdmittedRequest)[ADMISSION]?.admitted;
}

/** Ends the request's turn in its session, once. */
export function finishAdmission(request: object, failed: boolean): void {
  const admission = (request as AdmittedRequest)[ADMISSION];
  if (!admission || admission.state === 'done') return;
  const wasRunning = admission.state === 'running';
  admission.state = 'done';
  if (wasRunning) void admission.admitted.then((session) => admission.release(session, performance.now() - admission.started, failed));
}
