import path from 'node:path';
import { forkServer } from './harness/forked-server';
import { LoadResult } from './harness/load';
import { cpuSecondsOf, ownCpuSeconds } from './harness/process-cpu';
import { inRounds } from './harness/rounds';
import { medianLoad } from './harness/stats';
import { CheckedLoad } from './generate/checked-load';
import { USERS } from './generate/request-mix';
import { ReplicaSet } from './cluster/replica-set';

/** The ways of serving the seed example this bench compares, under the same load in the same run. */
export interface ClusterVariant {
  key: 'single' | 'proxy-1' | 'proxy-3';
  label: string;
  /** Cluster replicas behind haproxy; 0: one plain process, no proxy. */
  replicas: number;
}

export const CLUSTER_VARIANTS: ClusterVariant[] = [
  { key: 'single', label: 'one process (npm start)', replicas: 0 },
  { key: 'proxy-1', label: '1 replica behind HAProxy', replicas: 1 },
  { key: 'proxy-3', label: '3 replicas behind HAProxy', replicas: 3 },
];

export interface ClusterGenerateSettings {
  rounds: number;
  warmupSeconds: number;
  seconds: number;
  connections: number;
  redisUrl: string;
  cwd: string;
}

/**
 * BENCH_SECONDS and BENCH_CONNECTIONS as the generate bench reads them; BENCH_CLUSTER_ROUNDS (3) and
 * BENCH_CLUSTER_WARMUP_SECONDS (10). The warm-up is longer than the generate bench's 2 s: three
 * replicas each get a third of the requests, and after 2 s their JIT had not caught up (1.7 ms of
 * CPU per request against 0.5 ms after 15 s), which measured V8's warm-up, not the cluster.
 */
export function clusterGenerateSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): ClusterGenerateSettings {
  return {
    rounds: Number(env.BENCH_CLUSTER_ROUNDS ?? 3),
    warmupSeconds: Number(env.BENCH_CLUSTER_WARMUP_SECONDS ?? 10),
    seconds: Number(env.BENCH_SECONDS ?? 5),
    connections: Number(env.BENCH_CONNECTIONS ?? 50),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
    cwd,
  };
}

/** Where the CPU went during one measured run, in CPU seconds (the machine had cpus × seconds). */
export interface CpuShare {
  servers: number;
  proxy: number;
  load: number;
}

export interface ClusterRun extends LoadResult {
  cpu: CpuShare;
  /** Users each replica held after the run (3 replicas: the hash's spread). */
  usersPerReplica: Record<string, number>;
}

export interface ClusterVariantMeasurements {
  variant: ClusterVariant;
  rounds: ClusterRun[];
  median: { requestsPerSec: number; p50Ms: number; p99Ms: number };
}

export interface ClusterGenerateReport {
  settings: ClusterGenerateSettings;
  users: number;
  variants: ClusterVariantMeasurements[];
}

/** A running variant: where the load goes, the processes whose CPU counts, how it ends. */
interface Running {
  url: string;
  serverPids: number[];
  proxyPid?: number;
  usersPerReplica(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

async function startVariant(variant: ClusterVariant, settings: ClusterGenerateSettings): Promise<Running> {
  if (variant.replicas === 0) {
    const server = await forkServer(path.join(__dirname, 'servers', 'userscope.server.js'), { cwd: settings.cwd });
    return { url: server.url, serverPids: [server.pid], usersPerReplica: async () => ({}), stop: () => server.stop() };
  }
  const set = await ReplicaSet.start({ replicas: variant.replicas, redisUrl: settings.redisUrl, leaseTtl: '15s', cwd: settings.cwd });
  return {
    url: set.proxy.url,
    serverPids: set.replicas.map((replica) => replica.pid),
    proxyPid: set.proxy.pid,
    async usersPerReplica() {
      // The monitor of the whole cluster, from one replica over loopback (no admin token needed; through the proxy it would need one).
      const reply = (await (await fetch(`${set.replicas[0].url}/monitor/users`)).json()) as { users: { replica: string }[] };
      const counts: Record<string, number> = {};
      for (const user of reply.users) counts[user.replica] = (counts[user.replica] ?? 0) + 1;
      return counts;
    },
    stop: () => set.stop(),
  };
}

/**
 * POST /generate on the seed example served by one plain process, by one cluster replica behind
 * HAProxy, and by three: the same load (the generate bench's mix, 1,000 users) on each, in the
 * same run. Per round and variant: fresh processes, the reply check through the proxy (byte for
 * byte like the single process), a warm-up that opens every user (each on the replica its hash
 * picks), then the measured run, with the CPU each group of processes used meanwhile.
 */
export async function runClusterGenerateBench(settings: ClusterGenerateSettings): Promise<ClusterGenerateReport> {
  const seed = new CheckedLoad(settings);
  const runs = await inRounds({
    rounds: settings.rounds,
    variants: CLUSTER_VARIANTS,
    start: (variant) => startVariant(variant, settings),
    async measure(running, variant, round): Promise<ClusterRun> {
      await seed.checkReplies(running.url, variant.label, variant.key === 'single');
      await seed.warmUp(running.url, variant.label);
      const cpu = () => ({
        servers: running.serverPids.reduce((sum, pid) => sum + (cpuSecondsOf(pid) ?? 0), 0),
        proxy: running.proxyPid ? (cpuSecondsOf(running.proxyPid) ?? 0) : 0,
        load: ownCpuSeconds(),
      });
      const before = cpu();
      const result = await seed.measure(running.url, variant.label);
      const after = cpu();
      const run: ClusterRun = {
        ...result,
        cpu: { servers: after.servers - before.servers, proxy: after.proxy - before.proxy, load: after.load - before.load },
        usersPerReplica: await running.usersPerReplica(),
      };
      console.log(
        `round ${round + 1}/${settings.rounds}  ${variant.label.padEnd(28)} ${Math.round(result.requestsPerSec)} req/s  ` +
          `p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  CPU s: servers ${run.cpu.servers.toFixed(1)}, proxy ${run.cpu.proxy.toFixed(1)}, load ${run.cpu.load.toFixed(1)}`,
      );
      return run;
    },
  });
  return {
    settings,
    users: USERS,
    variants: CLUSTER_VARIANTS.map((variant) => {
      const rounds = runs.get(variant)!;
      return { variant, rounds, median: medianLoad(rounds) };
    }),
  };
}
