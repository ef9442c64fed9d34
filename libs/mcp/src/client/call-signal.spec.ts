import { getEventListeners } from 'node:events';
import { NEVER_ABORTED } from '@userscope/runtime';
import { withCallSignal } from './call-signal';

describe('withCallSignal', () => {
  it("gives the call a signal of its own that aborts with the caller's, unlinked once done", async () => {
    const caller = new AbortController();
    let own: AbortSignal | undefined;
    const call = withCallSignal(caller.signal, (signal) => {
      own = signal;
      return new Promise((_, reject) => signal!.addEventListener('abort', () => reject(signal!.reason)));
    });
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(1);
    caller.abort(new Error('cancelled'));
    await expect(call).rejects.toThrow('cancelled');
    expect(own).not.toBe(caller.signal);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
  });

  it('passes no signal on for a caller without one, or with the one that never aborts', async () => {
    expect(await withCallSignal(undefined, async (signal) => signal)).toBeUndefined();
    expect(await withCallSignal(NEVER_ABORTED, async (signal) => signal)).toBeUndefined();
  });

  it('starts aborted when the caller already is', async () => {
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    expect(await withCallSignal(caller.signal, async (signal) => signal!.aborted)).toBe(true);
  });
});
