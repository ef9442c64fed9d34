/**
 * Suites that assert the server answers within a bound while a large run holds its process. `npm test`
 * runs them after the rest, one at a time (jest.timing.config.js), so that no other suite's servers
 * share the cores with them.
 */
module.exports = ['/test/batch-scale\\.e2e-spec\\.ts$', '/test/batch-import-scale\\.e2e-spec\\.ts$'];
