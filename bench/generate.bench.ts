import path from 'node:path';
import { forkServer } from './harness/forked-server';
import { LoadResult } from './harness/load';
import { inRounds } from './harness/rounds';
import { medianLoad } from './harness/stats';
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
  seconds: number;
  connections: number;
  /** Where the server processes run (configs/config.yml is read from there). */
  cwd: string;
  /** Servers started with `--cpu-prof`, their profiles written to `profileDir`. */
  profile: ServerSpec['key'][];
  profileDir: string;
}

/**
 * Defaults keep the whole bench near two and a half minutes: more short rounds rather than fewer long ones,
 * so a burst of other work on the machine spoils one round the median drops. BENCH_* variables override.
 */
export function generateBenchSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): GenerateBenchSettings {
  return {
    rounds: Number(env.BENCH_ROUNDS ?? 5),
    warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 2),
    seconds: Number(env.BENCH_SECONDS ?? 5),
    connections: Number(env.BENCH_CONNECTIONS ?? 50),
    cwd,
    profile: (env.BENCH_CPU_PROF ?? '').split(',').filter(Boolean) as ServerSpec['key'][],
    profileDir: path.join(cwd, 'bench', 'out', 'profiles'),
  };
}

export interface ServerMeasurements {
  spec: ServerSpec;
  /** One measured run per round, in round order. */
  rounds: LoadResult[];
  median: { requestsPerSec: number; p50Ms: number; p99Ms: number };
}

export interface GenerateBenchReport {
  settings: GenerateBenchSettings;
  users: number;
  servers: ServerMeasurements[];
}

/**
 * Measures POST /generate on each server, one server process at a time: a fresh process per round
 * (so every server starts each round from the same state), a reply check against Userscope, a
 * warm-up that opens all users' sessions, then the measured run. The order rotates every round so
 * drift on the machine does not always hit the same server.
 */
export async function runGenerateBench(settings: GenerateBenchSettings): Promise<GenerateBenchReport> {
  const seed = new CheckedLoad(settings);
  const runs = await inRounds({
    rounds: settings.rounds,
    variants: SERVERS,
    start: (spec) =>
      forkServer(path.join(__dirname, spec.module), {
        cwd: settings.cwd,
        execArgv: settings.profile.includes(spec.key) ? ['--cpu-prof', `--cpu-prof-dir=${settings.profileDir}`] : [],
      }),
    async measure(server, spec, round) {
      await seed.checkReplies(server.url, spec.label, spec.key === 'userscope');
      await seed.warmUp(server.url, spec.label);
      const result = await seed.measure(server.url, spec.label);
      console.log(
        `round ${round + 1}/${settings.rounds}  ${spec.label.padEnd(44)} ${Math.round(result.requestsPerSec)} req/s  ` +
          `p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms`,
      );
      return result;
    },
  });
  return {
    settings,
    users: USERS,
    servers: SERVERS.map((spec) => {
      const rounds = runs.get(spec)!;
      return { spec, rounds, median: medianLoad(rounds) };
    }),
  };
}
