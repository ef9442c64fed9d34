/** One `npm test` runs unit specs (next to the code) and end-to-end suites (test/). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/src', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@userscope/(batch|examples|http|llm|runtime)$': '<rootDir>/libs/$1/src',
  },
  testTimeout: 30000,
};
