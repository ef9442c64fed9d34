import { Logger } from '@nestjs/common';
import Redis, { ChainableCommander } from 'ioredis';
import { JsonValue, LeaseLostError, SavedUserState, SessionStateStore, UserLease, UserscopeHttpError, toMilliseconds } from '@userscope/runtime';
import { SessionStateTooLargeError } from '../exceptions/session-state-too-large.exception';
import { StateStoreUnavailableError } from '../exceptions/state-store-unavailable.exception';
import { SessionStateMessages } from './session-state.messages';
import { PURGE_STATE_SCRIPT, SAVE_STATE_SCRIPT, TOKEN_FIELD } from './session-state.scripts';

/** How the store keeps states: `general.session_state_ttl` and `_max_bytes`, the cluster's key prefix. */
export interface RedisSessionStateOptions {
  /** `general.cluster.key_prefix`: the keys are `<prefix>state:<userId>`, fenced by `<prefix>owner:<userId>`. */
  keyPrefix: string;
  /** `general.session_state_ttl`, seconds: how long a state outlives the user's last activity. */
  ttlSeconds: number;
  /** `general.session_state_max_bytes`: the largest state of one function, as JSON. */
  maxBytes: number;
  /** The Redis URL without its password, for error messages. */
  redisUrl: string;
}

/** The scripts, as ioredis defines them on the connection (EVALSHA, loading the script when Redis lacks it). */
interface StateCommands {
  userscopeSaveState(ownerKey: string, stateKey: string, token: string, ttlMs: number, ...fields: string[]): Promise<string>;
  userscopePurgeState(ownerKey: string, stateKey: string, ttlMs: number): Promise<number>;
}

/** A read-only user's time to live is renewed at most this often (and at most every tenth of it). */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * `general.session_state: redis`: users' saved states in the hash `P state:<userId>` (provider key ->
 * JSON text, and `__token`, the fencing token of the last write). A write is accepted only under the
 * user's current lease (`P owner:<userId>`); one made under a superseded claim throws
 * `LeaseLostError` and changes nothing. Each write, each load and (at most every minute) a call
 * that changed nothing renews the state's time to live, so it counts from the user's last activity.
 */
export class RedisSessionStateStore implements SessionStateStore {
  readonly persistent = true;
  private readonly logger = new Logger('SessionState');
  private readonly commands: StateCommands;
  private readonly ttlMs: number;
  private readonly touchIntervalMs: number;
  /** When each live lease last renewed its user's time to live; a lease is one session, so this never outgrows them. */
  private readonly touched = new WeakMap<UserLease, number>();

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisSessionStateOptions,
  ) {
    this.ttlMs = Math.max(1, toMilliseconds(options.ttlSeconds));
    this.touchIntervalMs = Math.min(TOUCH_INTERVAL_MS, this.ttlMs / 10);
    if (!('userscopeSaveState' in redis)) {
      redis.defineCommand('userscopeSaveState', { numberOfKeys: 2, lua: SAVE_STATE_SCRIPT });
      redis.defineCommand('userscopePurgeState', { numberOfKeys: 2, lua: PURGE_STATE_SCRIPT });
    }
    this.commands = redis as unknown as StateCommands;
  }

  async load(userId: string): Promise<Map<string, JsonValue>> {
    const key = this.stateKey(userId);
    const [hash] = await this.transaction("loading a user's state", (multi) => multi.hgetall(key).pexpire(key, this.ttlMs));
    return this.parse(userId, hash as Record<string, string>);
  }

  async save(lease: UserLease, changed: Map<string, string>): Promise<void> {
    const fields: string[] = [];
    for (const [key, text] of changed) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > this.options.maxBytes) throw new SessionStateTooLargeError(lease.userId, key, bytes, this.options.maxBytes);
      fields.push(key, text);
    }
    const outcome = await this.guard("saving a user's state", () =>
      this.commands.userscopeSaveState(this.ownerKey(lease.userId), this.stateKey(lease.userId), String(lease.token), this.ttlMs, ...fields),
    );
    if (outcome !== 'ok') throw new LeaseLostError(lease.userId);
    this.touched.set(lease, Date.now());
  }

  async purge(userId: string): Promise<void> {
    await this.guard("purging a user's state", () => this.commands.userscopePurgeState(this.ownerKey(userId), this.stateKey(userId), this.ttlMs));
  }

  touch(lease: UserLease): void {
    const now = Date.now();
    if (now - (this.touched.get(lease) ?? 0) < this.touchIntervalMs) return;
    this.touched.set(lease, now);
    // Best effort: a read-only call never fails for it, and the next one tries again.
    this.redis.pexpire(this.stateKey(lease.userId), this.ttlMs).catch(() => this.touched.delete(lease));
  }

  async inspect(userId: string): Promise<SavedUserState | undefined> {
    const key = this.stateKey(userId);
    const [hash, pttl] = (await this.transaction("reading a user's state", (multi) => multi.hgetall(key).pttl(key))) as [Record<string, string>, number];
    const states = this.parse(userId, hash);
    if (states.size === 0) return undefined;
    return { states, token: Number(hash[TOKEN_FIELD] ?? 0), expiresInMs: pttl >= 0 ? pttl : undefined };
  }

  private parse(userId: string, hash: Record<string, string>): Map<string, JsonValue> {
    const states = new Map<string, JsonValue>();
    for (const [key, text] of Object.entries(hash)) {
      if (key === TOKEN_FIELD) continue;
      try {
        states.set(key, JSON.parse(text) as JsonValue);
      } catch {
        this.logger.warn(SessionStateMessages.unreadableState(userId, key));
      }
    }
    return states;
  }

  /** Runs the commands `build` queues in one MULTI/EXEC round trip; their replies. */
  private async transaction(action: string, build: (multi: ChainableCommander) => ChainableCommander): Promise<unknown[]> {
    const replies = await this.guard(action, () => build(this.redis.multi()).exec());
    const failed = replies ? replies.find(([error]) => error)?.[0] : new Error('the transaction was discarded');
    if (failed) throw this.unavailable(action, failed);
    return replies!.map(([, value]) => value);
  }

  /** Runs a Redis call; a failure that is not a refusal becomes 503 `state_store_unavailable`. */
  private async guard<T>(action: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof UserscopeHttpError) throw error;
      throw this.unavailable(action, error);
    }
  }

  private unavailable(action: string, error: unknown): StateStoreUnavailableError {
    return new StateStoreUnavailableError(this.options.redisUrl, action, String((error as Error)?.message ?? error));
  }

  private stateKey(userId: string): string {
    return `${this.options.keyPrefix}state:${userId}`;
  }

  private ownerKey(userId: string): string {
    return `${this.options.keyPrefix}owner:${userId}`;
  }
}
