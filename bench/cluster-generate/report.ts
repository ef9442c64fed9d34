import { MachineInfo } from '../harness/machine-info';
import { machineTable } from '../harness/machine-table';
import { ClusterGenerateReport, ClusterVariantMeasurements } from '../cluster-generate.bench';
import { medianOf } from '../harness/stats';

/** Each variant's median req/s and latencies against the single process. */
export function clusterRatios(report: ClusterGenerateReport): { key: string; throughput: number; p50: number; p99: number }[] {
  const single = report.variants[0].median;
  return report.variants.map((v) => ({
    key: v.variant.key,
    throughput: v.median.requestsPerSec / single.requestsPerSec,
    p50: v.median.p50Ms / single.p50Ms,
    p99: v.median.p99Ms / single.p99Ms,
  }));
}

/** The cluster-generate section of bench/RESULTS.md. */
export function renderClusterGenerateReport(report: ClusterGenerateReport, machine: MachineInfo, code: string): string {
  const { settings } = report;
  const ratios = clusterRatios(report);
  const capacity = machine.cpus * settings.seconds;
  const cpuCell = (v: ClusterVariantMeasurements) => {
    const share = (pick: (r: ClusterVariantMeasurements['rounds'][number]) => number) => medianOf(v.rounds.map(pick)).toFixed(1);
    return `${share((r) => r.cpu.servers)} / ${share((r) => r.cpu.proxy)} / ${share((r) => r.cpu.load)}`;
  };
  const row = (v: ClusterVariantMeasurements, i: number) =>
    `| ${v.variant.label} | ${Math.round(v.median.requestsPerSec)} | ${v.median.p50Ms} | ${v.median.p99Ms} | ` +
    `${ratios[i].throughput.toFixed(2)}× | ${ratios[i].p50.toFixed(2)}× | ${ratios[i].p99.toFixed(2)}× | ` +
    `${v.rounds.map((run) => Math.round(run.requestsPerSec)).join(' / ')} | ${cpuCell(v)} |`;
  const spread = report.variants.find((v) => v.variant.key === 'proxy-3')?.rounds.at(-1)?.usersPerReplica ?? {};
  return [
    '## POST /generate: one process, and replicas behind HAProxy, seed example, 1,000 users',
    '',
    machineTable(machine, code),
    '',
    `The generate bench's load (autocannon in the bench's process, ${settings.connections} connections, ${report.users} users, the same mix) on`,
    'the seed example served three ways in the same run: one plain process (`npm start`, no cluster), one cluster replica',
    'behind HAProxy (`deploy/haproxy.cfg`; leases in the Redis at REDIS_URL, same machine), and three. Per round and variant:',
    'fresh processes, the reply check through the proxy (byte for byte like the single process), a',
    `${settings.warmupSeconds} s warm-up that opens every user on the replica its hash picks (so no request is forwarded), then ${settings.seconds} s measured`,
    `(every reply 2xx); median of ${settings.rounds} rounds, order rotated. CPU: seconds used during the measured run by the`,
    `server processes / haproxy / the load generator (the machine has ${machine.cpus} × ${settings.seconds} = ${capacity} CPU-s; Redis is not counted).`,
    `Users per replica after the last 3-replica round: ${Object.entries(spread).sort().map(([id, n]) => `${id} ${n}`).join(', ') || 'n/a'}.`,
    '',
    '| Serving | req/s | p50 ms | p99 ms | req/s vs one process | p50 vs | p99 vs | req/s per round | CPU-s servers / proxy / load |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
    ...report.variants.map(row),
    '',
    ...report.variants.slice(1).map(
      (v) =>
        `${v.variant.label} / one process, round by round (each pair minutes apart at most): ` +
        v.rounds.map((run, i) => (run.requestsPerSec / report.variants[0].rounds[i].requestsPerSec).toFixed(2)).join(' / ') + '.',
    ),
    ...(machine.load > machine.cpus
      ? ['', `The machine's 1-min load at start (${machine.load.toFixed(2)}) was above its ${machine.cpus} CPUs: other processes shared the cores, so every figure here is noisier than its spread shows.`]
      : []),
    '',
    `**What one ${machine.cpus}-core machine can and cannot show.** It can show that the cluster answers exactly like one process`,
    '(the reply check through the proxy), what a request costs on the way through HAProxy and cluster mode (the',
    '1-replica row against the single process: the proxy hop, the lease check, the replica header), that spreading',
    'the users over three replicas by their hash costs no forwarding (every user on the replica its hash picks;',
    'see the users per replica), and where the CPU goes (last column). It cannot show throughput scaling with',
    `replicas: three replicas, HAProxy, Redis and the load generator share the same ${machine.cpus} cores (${capacity} CPU-s per run),`,
    'so a second or third replica only takes CPU the first could have used; on one core per replica, with the proxy',
    'and the load elsewhere, the replicas would add up instead. Nor does it show a network between the replicas',
    '(every hop is loopback), a Redis on its own host, or partitions. Each replica is one Node process, about one core at',
    'most, so on a machine with more cores N replicas are how one host uses them.',
  ].join('\n');
}
