import { budgetPeriods } from './budget.periods';
import { MemoryBudgetCounter } from './memory.budget-counter';
import { isRefusal } from './budget-counter.interface';

describe('budgetPeriods', () => {
  it('gives the UTC day and month an instant falls in, and when each ends', () => {
    const [day, month] = budgetPeriods(new Date('2026-12-31T23:59:30Z'), 'UTC');
    expect(day).toEqual({ kind: 'day', id: '2026-12-31', endsAt: new Date('2027-01-01T00:00:00Z') });
    expect(month).toEqual({ kind: 'month', id: '2026-12', endsAt: new Date('2027-01-01T00:00:00Z') });
  });

  it('counts days in the configured time zone, across a daylight-saving change', () => {
    // 23:30 UTC on 28 March 2026 is already 00:30 on the 29th in Paris (UTC+1), the day clocks go forward.
    const [day] = budgetPeriods(new Date('2026-03-28T23:30:00Z'), 'Europe/Paris');
    expect(day.id).toBe('2026-03-29');
    // That day has 23 hours: it ends at midnight Paris summer time, 22:00 UTC.
    expect(day.endsAt).toEqual(new Date('2026-03-29T22:00:00Z'));
    const [, month] = budgetPeriods(new Date('2026-03-15T12:00:00Z'), 'America/New_York');
    expect(month).toMatchObject({ id: '2026-03', endsAt: new Date('2026-04-01T04:00:00Z') });
  });
});

describe('MemoryBudgetCounter', () => {
  it('reserves in every period or none, settles to the real usage, and starts each new day afresh', async () => {
    const counter = new MemoryBudgetCounter();
    const monday = budgetPeriods(new Date('2026-12-07T10:00:00Z'), 'UTC');
    const limits = (periods: typeof monday) => [{ period: periods[0], tokens: 100 }, { period: periods[1], tokens: 150 }];
    const first = await counter.reserve('u', limits(monday), 80, 0);
    expect(isRefusal(first)).toBe(false);
    expect(await counter.reserve('u', limits(monday), 30, 0)).toMatchObject({ measure: 'tokens', limit: 100, remaining: 20, period: { kind: 'day' } });
    await counter.settle(first as never, 40, 0); // the call used less than its worst case
    expect(isRefusal(await counter.reserve('u', limits(monday), 30, 0))).toBe(false);
    expect(await counter.used('u', monday)).toEqual([{ tokens: 70, costMicros: 0 }, { tokens: 70, costMicros: 0 }]);
    // Tuesday: a new day, the same month, whose 150 is nearly used.
    const tuesday = budgetPeriods(new Date('2026-12-08T10:00:00Z'), 'UTC');
    expect(await counter.reserve('u', limits(tuesday), 90, 0)).toMatchObject({ measure: 'tokens', limit: 150, remaining: 80, period: { kind: 'month' } });
    expect(isRefusal(await counter.reserve('u', limits(tuesday), 80, 0))).toBe(false);
    expect(isRefusal(await counter.reserve('other', limits(tuesday), 100, 0))).toBe(false); // per user
  });
});
