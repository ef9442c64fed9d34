/**
 * Fastify request hooks whose work the /generate lane (@userscope/http's GenerateLane) does itself, or
 * which have none to do there: adding one leaves the lane on. Here, in the runtime, so that every
 * package that adds such a hook (http, telemetry) can mark it without depending on the others.
 */
const covered = new WeakSet<Function>();

/** Marks `hook` as covered by the /generate lane, and returns it. */
export function coveredByGenerateLane<T extends Function>(hook: T): T {
  covered.add(hook);
  return hook;
}

export function isCoveredByGenerateLane(hook: Function): boolean {
  return covered.has(hook);
}
