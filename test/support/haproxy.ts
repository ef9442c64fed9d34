import { haproxyInstalled } from '../../bench/harness/haproxy.process';

// One implementation for the tests and the benches: bench/harness holds it, since the benches' build cannot reach test/.
export { HAPROXY_CONFIG, HaproxyProcess } from '../../bench/harness/haproxy.process';

/**
 * Whether the suite can run; when haproxy is missing, registers the one test that says so: failing
 * under CI=true (.ci/run installs it), skipped with one loud line elsewhere.
 */
export function requireHaproxy(suite: string): boolean {
  if (haproxyInstalled()) return true;
  if (process.env.CI === 'true') {
    it('needs haproxy under CI', () => {
      throw new Error("haproxy is not installed; CI=true requires it (.ci/run installs Debian's haproxy package).");
    });
  } else {
    console.warn(`!!! haproxy is not installed: the ${suite} tests are SKIPPED. Install it with: apt-get install -y haproxy !!!`);
    // Skipped, loudly, only outside CI when the machine lacks it; under CI=true the test above fails instead.
    it.skip('needs haproxy', () => undefined);
  }
  return false;
}
