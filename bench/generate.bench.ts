import path from 'node:path';
import { forkServer } from './harness/forked-server';
import { LoadResult } from './harness/load';
import { inInterleavedRounds } from './harness/interleaved-rounds';
import { cpuSecondsOf } from './harness/process-cpu';
import { medianLoad, medianOf } from './harness/stats';
import { CheckedLoad } from './generate/checked-load';
import { USERS } from './generate/request-mix';

/** A server the /generate bench measures; `module` is relative to this compiled file. */
export interface ServerSpec {
  key: 'userscope' | 'fastify' | 'nest';
  label: string;
  module: string;
}

export const SERVERS: ServerSpec[] = [
  { key: 'userscope', label: 'Userscope (configs/config.yml)', module: 'servers/userscope.server.js' },
  { key: 'fastify', label: '(a) Fastify 5, Map, JSON schema', module: 'baselines/fastify-map.server.js' },
  { key: 'nest', label: '(b) Nest 11 singleton, Map, ValidationPipe', module: 'baselines/nest-map.server.js' },
];

export interface GenerateBenchSettings {
  rounds: number;
  warmupSeconds: number;
  /** Measured seconds per server and round, in `slices` slices taken in turn with the other servers'. */
  seconds: number;
  slices: number;
  connections: number;
  /** Where the server processes run (configs/config.yml is read from there). */
  cwd: string;
  /** Servers started with `--cpu-prof`, their profiles written to `profileDir`. */
  profile: ServerSpec['key'][];
  profileDir: string;
}

/**
 * Defaults keep the whole bench near three minutes: more short rounds rather than fewer long ones, so a
 * burst of other work on the machine spoils one round the median drops. The warm-up is long enough
 * for every server's JIT: a fresh Userscope process is at its steady rate from about its fourth second
 * under this load, bare Fastify from its second or third (bench/RESULTS.md). BENCH_* variables override.
 */
export function generateBenchSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): GenerateBenchSettings {
  return {
    rounds: Number(env.BENCH_ROUNDS ?? 5),
    warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 5),
    seconds: Number(env.BENCH_SECONDS ?? 5),
    slices: Number(env.BENCH_SLICES ?? 5),
    connections: Number(env.BENCH_CONNECTIONS ?? 50),
    cwd,
    profile: (env.BENCH_CPU_PROF ?? '').split(',').filter(Boolean) as ServerSpec['key'][],
    profileDir: path.join(cwd, 'bench', 'out', 'profiles'),
  };
}

/** One round of one server: its slices taken together. */
export interface RoundMeasurement extends LoadResult {
  /** The server process's CPU (user + system) per measured request, in µs; undefined off Linux. */
  cpuUsPerRequest: number | undefined;
}

export interface ServerMeasurements {
  spec: ServerSpec;
  /** One measurement per round, in round order. */
  rounds: RoundMeasurement[];
  median: { requestsPerSec: number; p50Ms: number; p99Ms: number; cpuUsPerRequest: number | undefined };
}

export interface GenerateBenchReport {
  settings: GenerateBenchSettings;
  users: number;
  servers: ServerMeasurements[];
}

/** A slice's load result and the server's CPU seconds during it. */
interface Slice {
  load: LoadResult;
  cpuSeconds: number | undefined;
}

/**
 * Measures POST /generate on each server. Every round starts a fresh process of each server (so
 * every server starts each round from the same state), checks its replies against Userscope's, warms
 * it up (which opens all users' sessions), then measures the servers in turn, one short slice each,
 * the order rotating every slice, so drift on the machine lands on every server of the round alike.
 */
export async function runGenerateBench(settings: GenerateBenchSettings): Promise<GenerateBenchReport> {
  const seed = new CheckedLoad({ ...settings, seconds: settings.seconds / settings.slices });
  const runs = await inInterleavedRounds({
    rounds: settings.rounds,
    slices: settings.slices,
    variants: SERVERS,
    start: (spec) =>
      forkServer(path.join(__dirname, spec.module), {
        cwd: settings.cwd,
        execArgv: settings.profile.includes(spec.key) ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : [],
      }),
    async prepare(server, spec, round) {
      await seed.checkReplies(server.url, spec.label, spec.key === 'userscope');
      await seed.warmUp(server.url, spec.label);
      console.log(`round ${round + 1}/${settings.rounds}  ${spec.label}: replies checked, warmed up`);
    },
    async measure(server, spec): Promise<Slice> {
      const before = cpuSecondsOf(server.pid);
      const load = await seed.measure(server.url, spec.label);
      const after = cpuSecondsOf(server.pid);
      return { load, cpuSeconds: before === undefined || after === undefined ? undefined : after - before };
    },
  });
  const servers = SERVERS.map((spec) => {
    const rounds = runs.get(spec)!.map(joinSlices);
    rounds.forEach((result, round) =>
      console.log(
        `round ${round + 1}/${settings.rounds}  ${spec.label.padEnd(44)} ${Math.round(result.requestsPerSec)} req/s  ` +
          `p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  CPU ${result.cpuUsPerRequest?.toFixed(1) ?? '?'} µs/request`,
      ),
    );
    const cpu = rounds.map((r) => r.cpuUsPerRequest);
    const median = { ...medianLoad(rounds), cpuUsPerRequest: allKnown(cpu) ? medianOf(cpu) : undefined };
    return { spec, rounds, median };
  });
  return { settings, users: USERS, servers };
}

/**
 * A round's slices as one measurement: requests over the slices' summed time, the median slice's
 * p50 and p99 (autocannon reports percentiles, not the samples to merge), counts summed.
 */
function joinSlices(slices: Slice[]): RoundMeasurement {
  const loads = slices.map((s) => s.load);
  const sum = (read: (load: LoadResult) => number) => loads.reduce((total, load) => total + read(load), 0);
  const requests = sum((l) => l.requests);
  const durationSeconds = sum((l) => l.durationSeconds);
  const statusCodes: Record<string, number> = {};
  for (const load of loads) for (const [code, n] of Object.entries(load.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const cpu = slices.map((s) => s.cpuSeconds);
  const cpuSeconds = allKnown(cpu) ? cpu.reduce((a, b) => a + b, 0) : undefined;
  return {
    requestsPerSec: requests / durationSeconds,
    p50Ms: medianOf(loads.map((l) => l.p50Ms)),
    p99Ms: medianOf(loads.map((l) => l.p99Ms)),
    requests,
    durationSeconds,
    non2xx: sum((l) => l.non2xx),
    errors: sum((l) => l.errors),
    timeouts: sum((l) => l.timeouts),
    statusCodes,
    cpuUsPerRequest: cpuSeconds === undefined ? undefined : (1e6 * cpuSeconds) / requests,
  };
}

/** Whether every CPU reading was taken (none off Linux, none once a process is gone). */
function allKnown(values: (number | undefined)[]): values is number[] {
  return values.every((value) => value !== undefined);
}
