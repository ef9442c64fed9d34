import { MachineInfo } from '../harness/machine-info';
import { SessionStateBenchReport, VariantMeasurements } from '../session-state.bench';

/** The redis variant against the memory one: what checkpointing every call to Redis costs. */
export function stateCost(report: SessionStateBenchReport): { throughput: number; bestThroughput: number; p50AddedMs: number; p99AddedMs: number } {
  const [memory, redis] = report.variants;
  return {
    throughput: redis.median.requestsPerSec / memory.median.requestsPerSec,
    bestThroughput: redis.best.requestsPerSec / memory.best.requestsPerSec,
    p50AddedMs: redis.sequentialMedian.p50Ms - memory.sequentialMedian.p50Ms,
    p99AddedMs: redis.sequentialMedian.p99Ms - memory.sequentialMedian.p99Ms,
  };
}

/** The session-state section of bench/RESULTS.md. */
export function renderSessionStateReport(report: SessionStateBenchReport, machine: MachineInfo, code: string): string {
  const { settings } = report;
  const cost = stateCost(report);
  const row = (v: VariantMeasurements) =>
    `| ${v.variant.label} | ${Math.round(v.median.requestsPerSec)} | ${v.median.p50Ms} | ${v.median.p99Ms} | ` +
    `${v.rounds.map((run) => Math.round(run.requestsPerSec)).join(' / ')} | ${Math.round(v.best.requestsPerSec)} (p50 ${v.best.p50Ms}, p99 ${v.best.p99Ms}) | ` +
    `${v.sequentialMedian.p50Ms.toFixed(3)} | ${v.sequentialMedian.p99Ms.toFixed(3)} |`;
  return [
    '## POST /generate with session_state: redis, seed example, 1,000 users',
    '',
    '| Code | Node | CPUs | CPU model | OS | Date | Load (1 min) at start |',
    '| --- | --- | ---: | --- | --- | --- | ---: |',
    `| ${code} | ${machine.node} | ${machine.cpus} | ${machine.cpuModel} | ${machine.platform} | ${machine.date} | ${machine.load.toFixed(2)} |`,
    '',
    `The generate bench's load (autocannon, ${settings.connections} connections, ${report.users} users, the same mix) on the seed example`,
    'served as `npm start` does, and as a cluster of one (`general.cluster` on the Redis at REDIS_URL, same machine) with',
    "`session_state: redis`. Every call of the mix changes the assistant's count, so every reply waits for one fenced write",
    `(one EVALSHA: the owner key's token checked, the changed states and \`__token\` written, the TTL renewed). Per round and`,
    `variant: a fresh server process, the reply check (redis answered byte for byte like memory), a ${settings.warmupSeconds} s warm-up, then`,
    `${settings.seconds} s measured (every reply 2xx), then ${settings.sequentialRequests} requests of the mix one at a time on one connection`,
    `(timed to the last byte, µs resolution); median of ${settings.rounds} rounds, order alternated. Users with a saved state after each redis run:`,
    `${report.savedUsers.join(' / ')}.`,
    '',
    '| Variant | req/s | p50 ms | p99 ms | req/s per round | best round req/s (ms) | one at a time p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |',
    ...report.variants.map(row),
    '',
    `Redis / memory under load: **${cost.throughput.toFixed(2)}×** the throughput (median rounds), **${cost.bestThroughput.toFixed(2)}×** in the best rounds. ` +
      `One request at a time, the fenced write adds **${cost.p50AddedMs.toFixed(3)} ms** at p50 and **${cost.p99AddedMs.toFixed(3)} ms** at p99.`,
    ...(machine.load > machine.cpus
      ? ['', `The machine's 1-min load at start (${machine.load.toFixed(2)}) was above its ${machine.cpus} CPUs: other processes shared the cores, so the medians are noise; trust the best rounds and the one-at-a-time figures.`]
      : []),
    '',
    'On one 2-core machine Redis, the server and the load generator share the cores, so the cost shown includes Redis',
    'competing for CPU (a Redis on its own host costs a network round trip instead). Users are claimed by cluster',
    "mode's own leases (RedisUserOwnership), renewed every lease_ttl/3.",
  ].join('\n');
}
