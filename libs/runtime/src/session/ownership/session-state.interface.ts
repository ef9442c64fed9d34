import type { UserLease } from './user-ownership.interface';

/** A JSON value, as a function's saved state must be. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A per-user function whose state outlives its instance: with `general.session_state: redis`,
 * `saveState()` is checkpointed after each call that changed it, and `restoreState()` gets it back
 * when the user's instances are built again (after eviction, a restart, or on another replica).
 */
export interface StatefulFunction {
  /** The instance's state, as JSON. Called after each of the user's calls; keep it cheap. */
  saveState(): JsonValue;
  /** Puts back what `saveState()` returned, before the instance serves its first call. */
  restoreState(state: JsonValue): void | Promise<void>;
}

/** Whether `instance` declares its state. */
export function isStateful(instance: object): instance is StatefulFunction {
  const candidate = instance as Partial<StatefulFunction>;
  return typeof candidate.saveState === 'function' && typeof candidate.restoreState === 'function';
}

/** Where users' saved states live, by user and by the provider they belong to. */
export interface SessionStateStore {
  /** False for the default: nothing is saved, a returning user starts fresh (NAT's behaviour). */
  readonly persistent: boolean;
  /** The user's saved states, by provider key; empty for a new user. */
  load(userId: string): Promise<Map<string, JsonValue>>;
  /**
   * Saves the changed states (JSON texts, by provider key) under `lease`. Throws `LeaseLostError`
   * when a newer claim of the user exists: this process's instances are stale and the write is refused.
   */
  save(lease: UserLease, changed: Map<string, string>): Promise<void>;
  /** Deletes the user's saved states (`DELETE /monitor/users/{id}?purge=true`). */
  purge(userId: string): Promise<void>;
}

/** The default: nothing is saved. */
export const NO_SESSION_STATE: SessionStateStore = {
  persistent: false,
  load: async () => new Map(),
  save: async () => undefined,
  purge: async () => undefined,
};
