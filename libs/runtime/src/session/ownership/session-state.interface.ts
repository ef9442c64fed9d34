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
  /**
   * The user was served and nothing of their state changed: keep it from expiring, so its time to
   * live counts from their last activity. Called after every such call, so it must be cheap (it may
   * do nothing most times); it never fails the call.
   */
  touch?(lease: UserLease): void;
  /** The user's saved states as an admin sees them (`GET /monitor/users/{id}/state`), without counting as activity. */
  inspect?(userId: string): Promise<SavedUserState | undefined>;
}

/** A user's saved states, as `GET /monitor/users/{id}/state` shows them. */
export interface SavedUserState {
  /** By provider key. */
  states: Map<string, JsonValue>;
  /** The fencing token of the claim that wrote last. */
  token: number;
  /** How long the states outlive the user's inactivity from now; undefined when they do not expire. */
  expiresInMs: number | undefined;
}

/** The default: nothing is saved. */
export const NO_SESSION_STATE: SessionStateStore = {
  persistent: false,
  load: async () => new Map(),
  save: async () => undefined,
  purge: async () => undefined,
};
