import { onAbort } from './abort.listeners';

describe('onAbort', () => {
  it('calls every listener still on the signal once, in the order they came, and none taken off', () => {
    const controller = new AbortController();
    const calls: string[] = [];
    onAbort(controller.signal, () => calls.push('first'));
    const off = onAbort(controller.signal, () => calls.push('taken off'));
    onAbort(controller.signal, () => calls.push('last'));
    off();
    controller.abort();
    controller.abort();
    expect(calls).toEqual(['first', 'last']);
  });

  it('gives the signal one listener, however many wait on it', () => {
    const controller = new AbortController();
    const add = jest.spyOn(controller.signal, 'addEventListener');
    const offs = Array.from({ length: 100 }, () => onAbort(controller.signal, () => undefined));
    for (const off of offs) off();
    onAbort(controller.signal, () => undefined);
    expect(add).toHaveBeenCalledTimes(1);
  });

  it('never calls a listener added after the signal aborted, as addEventListener would not', () => {
    const controller = new AbortController();
    controller.abort();
    const listener = jest.fn();
    onAbort(controller.signal, listener);
    expect(listener).not.toHaveBeenCalled();
  });

  it('still calls the others when one throws, and reports the error as uncaught', () => {
    const controller = new AbortController();
    const reported: (() => void)[] = [];
    const nextTick = jest.spyOn(process, 'nextTick').mockImplementation(((callback: () => void) => reported.push(callback)) as typeof process.nextTick);
    const after = jest.fn();
    onAbort(controller.signal, () => {
      throw new Error('listener failed');
    });
    onAbort(controller.signal, after);
    try {
      controller.abort();
    } finally {
      nextTick.mockRestore();
    }
    expect(after).toHaveBeenCalledTimes(1);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toThrow('listener failed');
  });
});
