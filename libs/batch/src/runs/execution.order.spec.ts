import { ExecutionRecord } from '../store/batch-records';
import { ExecutionOrder } from './execution.order';

function execution(userId: string, userName: string): ExecutionRecord {
  return { id: `workflow-${userId}-r1`, userId, userName, status: 'pending', attempts: 0, tokens: 0, billedTokens: 0 };
}

describe('ExecutionOrder', () => {
  const names = ['User 10', 'User 2', 'Ada', 'User 1', 'Ada'];
  const executions = names.map((name, i) => execution(`u${i}`, name));
  const expected = ['u2', 'u4', 'u3', 'u1', 'u0']; // by name (numeric), then id

  it('orders a run by user name, numerically, then by id', async () => {
    const ordered = await new ExecutionOrder().ordered('r1', executions);
    expect(ordered.map((e) => e.userId)).toEqual(expected);
  });

  it('gives a page of that order, whatever order the executions come in, and an empty page past the end', async () => {
    const order = new ExecutionOrder();
    expect((await order.page('r1', executions, 1, 2)).map((e) => e.userId)).toEqual(['u4', 'u3']);
    const shuffled = [executions[3], executions[0], executions[4], executions[2], executions[1]];
    expect((await order.page('r1', shuffled, 3, 10)).map((e) => e.userId)).toEqual(['u1', 'u0']);
    expect(await order.page('r1', executions, 5, 10)).toEqual([]);
  });

  it('places the executions it is given, so a page shows their current state', async () => {
    const order = new ExecutionOrder();
    await order.ordered('r1', executions);
    const changed = executions.map((e) => (e.userId === 'u2' ? { ...e, status: 'succeeded' as const } : e));
    expect((await order.page('r1', changed, 0, 1))[0]).toMatchObject({ userId: 'u2', status: 'succeeded' });
  });

  it('sorts again when the run has other users than the order it kept', async () => {
    const order = new ExecutionOrder();
    await order.ordered('r1', executions);
    const other = [...executions.slice(0, 4), execution('u9', 'Aaron')];
    expect((await order.ordered('r1', other)).map((e) => e.userId)).toEqual(['u9', 'u2', 'u3', 'u1', 'u0']);
  });

  it('lets timers run while it orders 100,000 executions', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) => execution(`u${i}`, `User ${(i * 7919) % 100_000}`));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const page = await new ExecutionOrder().page('big', many, 99_990, 10);
    clearInterval(timer);
    expect(page.map((e) => e.userName)).toEqual(Array.from({ length: 10 }, (_, i) => `User ${99_990 + i}`));
    expect(ticks).toBeGreaterThan(3);
  });
});
