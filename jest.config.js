/**
 * One `npm test` runs unit specs (next to the code) and end-to-end suites (test/). The packages
 * resolve through node_modules to their built dist/, as they do for a user (`pretest` builds them).
 */
const TIMING_SUITES = require('./jest.timing-suites');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', ...TIMING_SUITES],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
