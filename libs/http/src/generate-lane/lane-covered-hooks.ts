/** Request hooks Userscope adds whose work the /generate lane does itself, or which have none to do there. */
const covered = new WeakSet<Function>();

/** Marks `hook` as covered by the /generate lane: adding it leaves the lane on. */
export function coveredByGenerateLane<T extends Function>(hook: T): T {
  covered.add(hook);
  return hook;
}

export function isCoveredByGenerateLane(hook: Function): boolean {
  return covered.has(hook);
}
