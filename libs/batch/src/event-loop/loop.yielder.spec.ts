import { setTimeout as sleep } from 'node:timers/promises';
import { LoopYielder } from './loop.yielder';

/**
 * The yielder reads this clock, not the machine's: on a loaded CI machine a busy loop on the real
 * clock lasted longer than it asked whenever the process was descheduled, and a slice ran out early.
 * The loop's turns and the microtask queue are real; only time is simulated.
 */
let now = 0;
const clock = () => now;
const yielderOnClock = (sliceMs: number) => new LoopYielder(sliceMs, clock);

/** Work that holds the loop for `ms` of the yielder's clock, without a break. */
function busy(ms: number): void {
  now += ms;
}

describe('LoopYielder', () => {
  beforeEach(() => (now = 1_000));

  it('lets a chain of microtasks go on at once while the slice lasts, and takes a turn of the loop once it is used up', async () => {
    const yielder = yielderOnClock(20);
    await Promise.resolve();
    expect(yielder.yieldIfDue()).toBeUndefined();
    busy(10);
    await Promise.resolve();
    expect(yielder.yieldIfDue()).toBeUndefined();
    busy(15);
    await Promise.resolve();
    let waitingRan = false;
    setImmediate(() => (waitingRan = true)); // other work, waiting for the loop
    const turn = yielder.yieldIfDue();
    expect(turn).toBeDefined();
    expect(yielder.yieldIfDue()).toBe(turn); // every caller waits for the same turn
    await turn;
    expect(waitingRan).toBe(true);
    expect(yielder.yieldIfDue()).toBeUndefined(); // a new slice after the turn
  });

  it('starts a new slice once the chain has ended: work after a wait for I/O is not one block with what came before', async () => {
    const yielder = yielderOnClock(20);
    await Promise.resolve();
    expect(yielder.yieldIfDue()).toBeUndefined();
    busy(15);
    await sleep(1); // every caller waits: the microtask queue drains
    busy(10);
    expect(yielder.yieldIfDue()).toBeUndefined(); // 25 ms since the slice began, but two chains
    busy(25);
    await Promise.resolve();
    expect(yielder.yieldIfDue()).toBeDefined(); // this chain alone is longer than the slice
  });

  it('takes no turn after a wait longer than 50 ms, with no other caller meanwhile (a run of one execution at a time)', async () => {
    const yielder = yielderOnClock(20);
    await Promise.resolve();
    expect(yielder.yieldIfDue()).toBeUndefined();
    await sleep(1);
    now += 80; // the rest of an 80 ms wait for I/O, the loop free meanwhile
    busy(5);
    expect(yielder.yieldIfDue()).toBeUndefined();
  });

  it('counts a chain from its first call, also when that call comes before the chain\'s first await', async () => {
    const yielder = yielderOnClock(20);
    const run = async () => {
      expect(yielder.yieldIfDue()).toBeUndefined(); // in the macrotask's synchronous code, as a loop's first look at the clock is
      busy(15);
      await Promise.resolve();
      busy(10);
      return { turn: yielder.yieldIfDue() }; // wrapped: an async function's result would be the turn's outcome
    };
    const chain = new Promise<{ turn?: Promise<void> }>((resolve) => setImmediate(() => void run().then(resolve)));
    expect((await chain).turn).toBeDefined(); // 25 ms of one chain
  });

  it('takes a turn within 50 ms for work that drains the microtask queue without letting the loop turn', async () => {
    const yielder = yielderOnClock(20);
    const started = now;
    const turnTaken = await new Promise<number>((resolve) => {
      const step = () => {
        busy(2);
        if (yielder.yieldIfDue() || now - started > 500) resolve(now - started);
        else Promise.resolve().then(() => process.nextTick(step)); // ticks between drained microtask queues
      };
      Promise.resolve().then(step);
    });
    expect(turnTaken).toBeGreaterThanOrEqual(40);
    expect(turnTaken).toBeLessThan(100);
  });
});
