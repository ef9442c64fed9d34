import { callScope, currentSession, outsideCallContext, runAsSession, runInCallScope, trackCurrentSession } from './current-session';
import { UserSession } from './user-session';

describe('the call context: the session, function and call scope of the work running now', () => {
  beforeAll(() => trackCurrentSession());

  it('keeps a scope and a session across awaits, and restores the outer one after', async () => {
    const ann = new UserSession('ann');
    const scope = { usage: 0 };
    await runAsSession(ann, () =>
      runInCallScope(scope, async () => {
        await Promise.resolve();
        expect([currentSession(), callScope()]).toEqual([ann, scope]);
      }),
    );
    expect([currentSession(), callScope()]).toEqual([undefined, undefined]);
  });

  it('outsideCallContext: work started inside a user’s request that is on nobody’s behalf sees no session and no scope, its awaits included', async () => {
    const ann = new UserSession('ann');
    const scope = { usage: 0 };
    const seen: unknown[] = [];
    let later: Promise<void> | undefined;
    await runAsSession(ann, () =>
      runInCallScope(scope, async () => {
        later = outsideCallContext(async () => {
          seen.push(currentSession(), callScope());
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen.push(currentSession(), callScope());
        });
        // The caller's own context is untouched.
        expect([currentSession(), callScope()]).toEqual([ann, scope]);
      }),
    );
    await later;
    expect(seen).toEqual([undefined, undefined, undefined, undefined]);
    expect(outsideCallContext(() => 42)).toBe(42);
  });
});
