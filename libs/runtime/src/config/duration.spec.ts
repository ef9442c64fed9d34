import { parseDuration } from './duration';

describe('parseDuration (seconds from a config value)', () => {
  it.each<[unknown, number]>([
    [90, 90],
    [0, 0],
    [1.5, 1.5],
    ['90', 90],
    [' 90 ', 90],
    ['250ms', 0.25],
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
