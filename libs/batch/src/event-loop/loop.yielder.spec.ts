import { setTimeout as sleep } from 'node:timers/promises';
import { LoopYielder } from './loop.yielder';

/** Keeps the loop busy for `ms`, without a break. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('LoopYielder', () => {
  it('lets the work go on at once while the slice lasts, and takes a turn of the loop once it is used up', async () => {
    const yielder = new LoopYielder(20);
    expect(yielder.yieldIfDue()).toBeUndefined();
    busy(25);
    let waitingRan = false;
    setImmediate(() => (waitingRan = true)); // other work, waiting for the loop
    const turn = yielder.yieldIfDue();
    expect(turn).toBeDefined();
    expect(yielder.yieldIfDue()).toBe(turn); // every caller waits for the same turn
    await turn;
    expect(waitingRan).toBe(true);
    expect(yielder.yieldIfDue()).toBeUndefined(); // a new slice after the turn
  });

  it('starts a new slice once the loop has waited for I/O: work after a wait is not one block with what came before', async () => {
    const yielder = new LoopYielder(20);
    busy(10);
    expect(yielder.yieldIfDue()).toBeUndefined();
    await sleep(30); // the loop waits: well past the slice since it began, but none of it busy
    expect(yielder.yieldIfDue()).toBeUndefined();
    busy(25);
    expect(yielder.yieldIfDue()).toBeDefined(); // a turn: the busy stretch since the wait is longer than the slice
  });
});
