import { ClusterFailoverReport, fmt } from '../cluster-failover.bench';
import { medianOf } from '../harness/stats';

/** Medians over the rounds: lease left at the kill, and the last user served again by each path. */
export function failoverSummary(report: ClusterFailoverReport): { leaseLeftMs: number; directLastMs: number; proxyLastMs: number } {
  return {
    leaseLeftMs: medianOf(report.rounds.map((r) => r.leaseLeftMs)),
    directLastMs: medianOf(report.rounds.map((r) => r.direct.lastMs)),
    proxyLastMs: medianOf(report.rounds.map((r) => r.proxy.lastMs)),
  };
}

/** The cluster-failover section of bench/RESULTS.md. */
export function renderClusterFailoverReport(report: ClusterFailoverReport, machineLine: string): string {
  const { settings } = report;
  const ttl = settings.leaseTtlS;
  const s = failoverSummary(report);
  const refusals = new Map<string, number>();
  for (const round of report.rounds) for (const [code, n] of Object.entries(round.refusals)) refusals.set(code, (refusals.get(code) ?? 0) + n);
  return [
    `## kill -9 of a replica: until its users are served again (lease_ttl ${ttl} s)`,
    '',
    machineLine,
    '',
    `Three replicas of the seed example behind HAProxy (deploy/haproxy.cfg), lease_ttl ${ttl} s, ${settings.users} users placed by the`,
    `proxy's hash (about a third on r2). Per round: fresh replicas, then \`kill -9\` of r2; each of its users then retries every`,
    `${settings.retryMs} ms (ignoring Retry-After, to find the earliest moment), half of them through the proxy, half straight to a live`,
    'replica; meanwhile 20 users of the live replicas keep sending through the proxy. Times are from the SIGKILL.',
    '',
    '| Round | a lease of r2 left at the kill ms | users of r2 | direct: first / median / last | through HAProxy: first / median / last | live replicas\' users: failed / requests (slowest) |',
    '| ---: | ---: | ---: | --- | --- | --- |',
    ...report.rounds.map(
      (r, i) => `| ${i + 1} | ${r.leaseLeftMs} | ${r.direct.users + r.proxy.users} | ${fmt(r.direct)} | ${fmt(r.proxy)} | ${r.others.failed} / ${r.others.requests} (${Math.round(r.others.slowestMs)} ms) |`,
    ),
    '',
    `Until served, the clients got: ${[...refusals].map(([code, n]) => `${code} ×${n}`).join(', ')}.`,
    '',
    `Median over the rounds: the last of r2's users was served again **${Math.round(s.directLastMs)} ms** after the kill asking a live replica`,
    `directly, **${Math.round(s.proxyLastMs)} ms** through HAProxy; the lease of r2 read just before the kill had ${Math.round(s.leaseLeftMs)} ms left (each of its leases between ⅔ and all of lease_ttl, by when the last renewal or the claim was).`,
    '',
    '**The formula.** A holder renews its leases every lease_ttl/3, so a replica killed at a random moment leaves leases',
    'with L between ⅔·lease_ttl and lease_ttl to run (less the renewal pass\'s own time). Until then its users get',
    '`503 user_owned_elsewhere` with `Retry-After` = the lease\'s remaining seconds (the owner refuses connections, so the',
    'live replica answers at once); the first request after it claims the user and builds them there (a millisecond or',
    'two). So a user is served again after **L + the client\'s retry interval**: with lease_ttl 3 s, 2–3 s plus the retry',
    '(measured above); with the default 15 s, **10–15 s** plus the retry. Through HAProxy it is the same, because',
    '`deploy/haproxy.cfg` redispatches a refused connection to another replica at once (`option redispatch 1`,',
    '`retries 2`); without that, HAProxy retries the dead replica (a 1 s turn-around each) until its health checks take',
    'it out (`fall 2`, `inter 2s`: 2–4 s): before the redispatch was set, the proxy path took about 6.5 s with lease_ttl 3 s. The live',
    'replicas\' own users are not affected beyond the CPU the retrying clients take on this shared machine.',
  ].join('\n');
}
