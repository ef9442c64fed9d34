/** The timing-sensitive suites (jest.timing-suites.js), run after the rest with `--runInBand` (see `npm test`). */
const TIMING_SUITES = require('./jest.timing-suites');
const base = require('./jest.config');

module.exports = {
  ...base,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  testRegex: TIMING_SUITES.map((suite) => `(${suite})`).join('|'),
};
