// One implementation for the tests and the benches: bench/harness holds it, since the benches' build cannot reach test/.
export { freePort, ServerProcess } from '../../bench/harness/server-process';
