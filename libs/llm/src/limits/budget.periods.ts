/** A calendar period a budget counts over: its kind, its id (`2026-12-01`, `2026-12`) and when it ends. */
export interface BudgetPeriod {
  kind: 'day' | 'month';
  id: string;
  endsAt: Date;
}

/** The year, month and day of `at` in `timeZone`. */
function partsIn(at: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** The first instant at or after `from` whose date in `timeZone` differs from `from`'s (found by stepping, so DST is right). */
function nextBoundary(from: Date, timeZone: string, same: (a: ReturnType<typeof partsIn>, b: ReturnType<typeof partsIn>) => boolean, stepMs: number): Date {
  const start = partsIn(from, timeZone);
  let low = from.getTime();
  let high = low + stepMs;
  while (same(partsIn(new Date(high), timeZone), start)) high += stepMs;
  // Binary search to the minute between the last instant in the period and the first after it.
  while (high - low > 60_000) {
    const middle = Math.floor((low + high) / 2);
    if (same(partsIn(new Date(middle), timeZone), start)) low = middle;
    else high = middle;
  }
  // The boundary is a whole minute in (low, high], and high - low is under a minute: it is high rounded down.
  return new Date(Math.floor(high / 60_000) * 60_000);
}

/** The day and the month `at` falls in, in `timeZone`. */
export function budgetPeriods(at: Date, timeZone: string): BudgetPeriod[] {
  const { year, month, day } = partsIn(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return [
    { kind: 'day', id: `${year}-${pad(month)}-${pad(day)}`, endsAt: nextBoundary(at, timeZone, (a, b) => a.day === b.day && a.month === b.month && a.year === b.year, 3600_000) },
    { kind: 'month', id: `${year}-${pad(month)}`, endsAt: nextBoundary(at, timeZone, (a, b) => a.month === b.month && a.year === b.year, 24 * 3600_000) },
  ];
}
