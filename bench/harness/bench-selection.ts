/** A bench `npm run bench` can run: its name, and the groups that include it. */
export interface BenchEntry {
  name: string;
  groups: string[];
  run(): Promise<void>;
}

/**
 * The benches named on the command line (`npm run bench -- sessions`) or in BENCH_ONLY
 * (`BENCH_ONLY=generate,first-request`), by name or group; all of them when none is named.
 */
export function selectBenches(benches: BenchEntry[], argv: string[], env: NodeJS.ProcessEnv = process.env): BenchEntry[] {
  const named = [...argv, ...(env.BENCH_ONLY ?? '').split(',')].map((name) => name.trim()).filter(Boolean);
  if (named.length === 0) return benches;
  const known = new Set(benches.flatMap((b) => [b.name, ...b.groups]));
  const unknown = named.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`Unknown bench ${unknown.map((n) => `'${n}'`).join(', ')}; choose from ${[...known].join(', ')}`);
  }
  return benches.filter((b) => named.includes(b.name) || b.groups.some((group) => named.includes(group)));
}
