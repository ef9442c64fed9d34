import path from 'node:path';
import { forkServer } from './harness/forked-server';
import { assertAllSucceeded, LoadResult, runLoad } from './harness/load';
import { inRounds } from './harness/rounds';
import { medianLoad, medianOf } from './harness/stats';
import { USERS } from './generate/request-mix';
import { routeMix, routeTranscript, StreamRoute } from './stream-routes/request-mix';

/** One server of one route's comparison; `module` is relative to this compiled file. */
export interface StreamRouteVariant {
  route: StreamRoute;
  key: 'userscope' | 'fastify';
  label: string;
  module: string;
  args: string[];
}

const BARE = 'baselines/fastify-stream-chat.server.js';
const OPEN_USERS_TIMEOUT_S = 120;
const USERSCOPE = 'servers/userscope-config.server.js';

export const VARIANTS: StreamRouteVariant[] = [
  { route: '/generate/stream', key: 'userscope', label: 'Userscope (configs/config.yml)', module: USERSCOPE, args: ['configs/config.yml'] },
  { route: '/generate/stream', key: 'fastify', label: 'Fastify 5, Map, JSON schema', module: BARE, args: [] },
  { route: '/v1/chat/completions', key: 'userscope', label: 'Userscope (configs/chat.yml, echo LLM)', module: USERSCOPE, args: ['configs/chat.yml'] },
  { route: '/v1/chat/completions', key: 'fastify', label: 'Fastify 5, Map, echo reply', module: BARE, args: [] },
];

export interface StreamRoutesSettings {
  rounds: number;
  warmupSeconds: number;
  seconds: number;
  connections: number;
  cwd: string;
}

export function streamRoutesSettings(cwd: string, env: NodeJS.ProcessEnv = process.env): StreamRoutesSettings {
  return {
    rounds: Number(env.BENCH_STREAM_ROUNDS ?? 3),
    warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 2),
    seconds: Number(env.BENCH_SECONDS ?? 5),
    connections: Number(env.BENCH_CONNECTIONS ?? 50),
    cwd,
  };
}

export interface StreamVariantMeasurements {
  variant: StreamRouteVariant;
  rounds: LoadResult[];
  median: { requestsPerSec: number; p50Ms: number; p99Ms: number };
}

export interface StreamRoutesReport {
  settings: StreamRoutesSettings;
  users: number;
  variants: StreamVariantMeasurements[];
}

/**
 * POST /generate/stream and POST /v1/chat/completions on Userscope against a bare Fastify server
 * with the same replies: per round and variant a fresh process, a reply check (the baseline must
 * answer as Userscope does), two requests per user to open them all, a timed warm-up, then the measured run.
 */
export async function runStreamRoutesBench(settings: StreamRoutesSettings): Promise<StreamRoutesReport> {
  const reference = new Map<StreamRoute, string[]>();
  const runs = await inRounds({
    rounds: settings.rounds,
    variants: VARIANTS,
    start: (variant) => forkServer(path.join(__dirname, variant.module), { cwd: settings.cwd, args: variant.args }),
    async measure(server, variant, round) {
      const transcript = await routeTranscript(server.url, variant.route);
      // Userscope's replies are the reference; the first server checked gives them when the rotation starts with the baseline.
      if (variant.key === 'userscope') reference.set(variant.route, transcript);
      const expected = reference.get(variant.route);
      if (expected) assertSame(expected, transcript, `${variant.label} on ${variant.route}`);
      const load = { url: server.url, connections: settings.connections, next: routeMix(variant.route, USERS) };
      // Every user opened first (a chat agent's session takes long to build), then the timed warm-up.
      assertAllSucceeded(await runLoad({ ...load, seconds: OPEN_USERS_TIMEOUT_S, amount: 2 * USERS }), `${variant.label} opening the users`);
      assertAllSucceeded(await runLoad({ ...load, seconds: settings.warmupSeconds }), `${variant.label} warm-up`);
      const result = await runLoad({ ...load, seconds: settings.seconds });
      assertAllSucceeded(result, variant.label);
      console.log(`round ${round + 1}/${settings.rounds}  ${variant.route.padEnd(20)} ${variant.label.padEnd(40)} ${Math.round(result.requestsPerSec)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms`);
      return result;
    },
  });
  return { settings, users: USERS, variants: VARIANTS.map((variant) => ({ variant, rounds: runs.get(variant)!, median: medianLoad(runs.get(variant)!) })) };
}

function assertSame(expected: string[], actual: string[], what: string): void {
  const at = expected.findIndex((reply, i) => reply !== actual[i]);
  if (at < 0 && expected.length === actual.length) return;
  throw new Error(`${what} answers differently from Userscope at request ${at}:\n  userscope: ${expected[at]}\n  this server: ${actual[at]}`);
}

/** Userscope / bare per route: the ratio of the medians, and the median of the rounds' ratios. */
export function streamRouteRatios(report: StreamRoutesReport): { route: StreamRoute; throughput: number; perRound: number[]; medianOfRounds: number; p99: number }[] {
  return (['/generate/stream', '/v1/chat/completions'] as const).map((route) => {
    const of = (key: StreamRouteVariant['key']) => report.variants.find((v) => v.variant.route === route && v.variant.key === key)!;
    const ours = of('userscope');
    const bare = of('fastify');
    const perRound = ours.rounds.map((run, i) => run.requestsPerSec / bare.rounds[i].requestsPerSec);
    return {
      route,
      throughput: ours.median.requestsPerSec / bare.median.requestsPerSec,
      perRound,
      medianOfRounds: medianOf(perRound),
      p99: ours.median.p99Ms / bare.median.p99Ms,
    };
  });
}
