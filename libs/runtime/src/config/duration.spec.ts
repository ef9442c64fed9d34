import { parseDuration, toMilliseconds } from './duration';

describe('parseDuration (seconds from a config value)', () => {
  it.each<[unknown, number]>([
    [90, 90],
    [0, 0],
    [1.5, 1.5],
    ['90', 90],
    [' 90 ', 90],
    ['250ms', 0.25],
    ['700ms', 0.7],
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1d', 86400],
    ['1.5h', 5400],
    ['10 m', 600],
  ])('%p is %p seconds', (value, seconds) => {
    expect(parseDuration(value)).toBe(seconds);
  });

  it.each<unknown>(['5x', '', 'm', '5 minutes', '1h30m', '-5', '-5s', -1, NaN, Infinity, true, null, undefined, [30], { s: 30 }])(
    '%p is not a duration',
    (value) => {
      expect(parseDuration(value)).toBeUndefined();
    },
  );
});

describe('toMilliseconds (for what takes whole milliseconds only: Redis PX, Fastify and BullMQ options)', () => {
  it('gives every duration of 0 to 10,000 ms back as the whole number of milliseconds it was written as', () => {
    const notWhole: string[] = [];
    for (let ms = 0; ms <= 10_000; ms++) if (toMilliseconds(parseDuration(`${ms}ms`)!) !== ms) notWhole.push(`${ms}ms`);
    expect(notWhole).toEqual([]);
    expect(Number.isInteger(parseDuration('1001ms')! * 1000)).toBe(false); // why it exists
  });

  it('rounds a duration finer than a millisecond to the nearest one', () => {
    expect(toMilliseconds(1.5)).toBe(1500);
    expect(toMilliseconds(0.0004)).toBe(0);
    expect(toMilliseconds(0.0006)).toBe(1);
  });
});
