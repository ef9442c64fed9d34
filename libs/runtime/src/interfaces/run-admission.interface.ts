/**
 * Admits a user's runs under a cap of runs in flight at once (`general.limits.concurrent_runs`,
 * provided by `@userscope/llm` under `RUN_ADMISSION`). A run is one request of the workflow or one
 * batch execution. The runtime asks it before each run of a user and gives the slot back after.
 */
export interface RunAdmission {
  /**
   * Takes one of `userId`'s run slots, or throws the refusal (a `RequestRefusedError`: 429 over the
   * cap, 503 when its store does not answer). Resolves to the call that gives the slot back (once;
   * later calls do nothing). May return that call at once, when it knows without a wait that nothing
   * caps the user: every request asks, and most users have no cap. Return NOTHING_HELD then, which
   * the runtime recognises and does not wrap the run for.
   */
  admit(userId: string): (() => void) | Promise<() => void>;
}

/** The release of a run that took no slot: calling it does nothing. */
export const NOTHING_HELD: () => void = () => undefined;
