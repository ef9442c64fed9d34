import { runWithDeadline, streamWithDeadline } from './call-deadline';

const TIMEOUT_MS = 50;
const deadline = { timeoutMs: TIMEOUT_MS, timeoutError: () => new Error('out of time') };
/** "At once", with room for a loaded machine. */
const PROMPTLY_MS = 1000;

/** A promise that never settles, unless `signal` aborts (then it rejects with the reason). */
function hang(signal?: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

describe('streamWithDeadline', () => {
  it('passes every item of a stream that ends in time, and never aborts its signal', async () => {
    let seen: AbortSignal | undefined;
    const stream = streamWithDeadline(async function* (signal) {
      seen = signal;
      yield 1;
      yield 2;
    }, deadline);
    const items: number[] = [];
    for await (const item of stream) items.push(item);
    expect(items).toEqual([1, 2]);
    expect(seen!.aborted).toBe(false);
  });

  it.each([
    ['honours its signal', true],
    ['ignores its signal', false],
  ])('ends a source that hangs after its first item and %s with the timeout, its signal aborted with it', async (_case, honours) => {
    let seen: AbortSignal | undefined;
    const iterator = streamWithDeadline(async function* (signal) {
      seen = signal;
      yield 'first';
      await hang(honours ? signal : undefined);
    }, deadline)[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 'first' });
    const started = performance.now();
    await expect(iterator.next()).rejects.toThrow('out of time');
    expect(performance.now() - started).toBeLessThan(PROMPTLY_MS);
    expect(seen!.reason).toEqual(new Error('out of time'));
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('times out the whole stream, not the gap between items: a source that trickles items ends at the deadline', async () => {
    const items: number[] = [];
    const stream = streamWithDeadline(async function* () {
      for (let i = 0; ; i++) {
        await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS / 5));
        yield i;
      }
    }, deadline);
    await expect((async () => {
      for await (const item of stream) items.push(item);
    })()).rejects.toThrow('out of time');
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThan(10);
  });

  it('ends with the timeout, without asking the source again, when the deadline passed while the consumer held an item', async () => {
    let asked = 0;
    let seen: AbortSignal | undefined;
    const iterator = streamWithDeadline(async function* (signal) {
      seen = signal;
      for (;;) {
        asked++;
        yield asked;
      }
    }, deadline)[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise<void>((resolve) => seen!.addEventListener('abort', () => resolve(), { once: true }));
    await expect(iterator.next()).rejects.toThrow('out of time');
    expect(asked).toBe(1);
  });

  it("closes the source when the consumer stops early, and waits for its `finally`", async () => {
    let closed = false;
    const iterator = streamWithDeadline(async function* () {
      try {
        yield 1;
        yield 2;
      } finally {
        await new Promise((resolve) => setTimeout(resolve, 5));
        closed = true;
      }
    }, deadline)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return(undefined);
    expect(closed).toBe(true);
  });

  it('waits for a source whose `finally` hangs no longer than the deadline', async () => {
    const iterator = streamWithDeadline(async function* () {
      try {
        yield 1;
      } finally {
        await hang();
      }
    }, deadline)[Symbol.asyncIterator]();
    await iterator.next();
    const started = performance.now();
    await iterator.return(undefined);
    expect(performance.now() - started).toBeLessThan(PROMPTLY_MS);
  });
});

describe('runWithDeadline', () => {
  const unbounded = { timeoutError: () => new Error('out of time') };

  it("aborts the call's signal when the parent aborts, and settles with the call", async () => {
    const parent = new AbortController();
    let seen: AbortSignal | undefined;
    const call = runWithDeadline(async (signal) => {
      seen = signal;
      await hang(signal).catch(() => undefined);
      return 'finished after the abort';
    }, { ...unbounded, parent: parent.signal });
    await Promise.resolve();
    parent.abort(new Error('run cancelled'));
    await expect(call).resolves.toBe('finished after the abort');
    expect((seen!.reason as Error).message).toBe('run cancelled');
  });

  it('rejects at once with the reason when abandonOn aborts, for every call in flight on it', async () => {
    const abandon = new AbortController();
    const signals: AbortSignal[] = [];
    const calls = Array.from({ length: 3 }, () => runWithDeadline((signal) => (signals.push(signal), hang()), { ...unbounded, abandonOn: abandon.signal }));
    await Promise.resolve();
    abandon.abort(new Error('abandoned'));
    for (const call of calls) await expect(call).rejects.toThrow('abandoned');
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });

  it('leaves a settled call alone when the shared signals abort later', async () => {
    const parent = new AbortController();
    const abandon = new AbortController();
    let seen: AbortSignal | undefined;
    await runWithDeadline(async (signal) => ((seen = signal), 'done'), { ...unbounded, parent: parent.signal, abandonOn: abandon.signal });
    parent.abort();
    abandon.abort();
    expect(seen!.aborted).toBe(false);
  });
});
