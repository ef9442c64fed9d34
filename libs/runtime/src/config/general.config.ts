import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Min, MinLength } from 'class-validator';
import { IsDuration } from './duration';
import { IsByteSize } from './byte-size';

/**
 * The `general:` section, as far as the runtime reads it. Durations are seconds after loading.
 * Other libraries own keys of it too (`general.identity`: the HTTP front end's; see `ConfigSection`).
 */
export class GeneralConfig {
  /** How long an idle user's session is kept. */
  @IsDuration()
  per_user_workflow_timeout: number = 1800;

  /** How often idle sessions are looked for. */
  @IsDuration()
  per_user_workflow_cleanup_interval: number = 300;

  /** Serves `/monitor/users`. */
  @IsBoolean()
  enable_per_user_monitoring: boolean = false;

  /** Most user sessions kept at once; at the cap the least recently used idle user is evicted. */
  @IsInt()
  @Min(1)
  max_sessions: number = 100_000;

  /** Requests of one user running at once; more wait in a bounded queue. */
  @IsInt()
  @Min(1)
  max_concurrency_per_user: number = 8;

  /** Requests of one user that may wait for a slot; beyond it a request gets 429. */
  @IsInt()
  @Min(0)
  max_queued_requests_per_user: number = 32;

  /** How long a queued request waits for a slot before it gets 429. */
  @IsDuration()
  queue_timeout: number = 30;

  /** Largest request body accepted (bytes, or `512kb`, `1mb`); larger gets 413. */
  @IsByteSize()
  max_body_size: number = 1024 * 1024;

  /**
   * How long a request may take to arrive, its headers and body (not how long it then runs): a slower
   * one gets 408 `request_timeout` and its connection is closed, so that slow senders cannot hold
   * connections open. 0: no limit.
   */
  @IsDuration()
  request_timeout: number = 60;

  /**
   * How long a client may take to read what a stream has buffered for it (an event stream's full
   * socket buffer): a slower one is disconnected and the stream stops, so that a client that stops
   * reading does not hold its slot, and the stream's memory, for good. 0: no limit.
   */
  @IsDuration()
  send_timeout: number = 60;

  /** Deepest nesting of objects and arrays a JSON body may have (the body itself is level 1); deeper gets 400. */
  @IsInt()
  @Min(1)
  max_json_depth: number = 64;

  /**
   * How long one call of the workflow may run, on every route that runs it (a stream as a whole, first
   * chunk to last); beyond it the caller gets 504 `function_timeout` (a stream, its error event), the
   * function's AbortSignal aborts and the user's slot is freed. Unset: unbounded.
   */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsDuration()
  function_timeout?: number;

  /**
   * On SIGTERM/SIGINT, how long in-flight requests may run before sessions are cleaned up anyway;
   * also how long `DELETE /monitor/users/{id}` waits for the user's requests.
   */
  @IsDuration()
  shutdown_grace_period: number = 10;

  /**
   * Bearer token for admin routes (`/monitor/*`, `/api/*`); read it from the environment
   * (`admin_token: ${USERSCOPE_ADMIN_TOKEN}`). Without one, admin routes answer loopback clients only.
   */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'admin_token must be at least 16 characters' })
  admin_token?: string;

  /**
   * Makes `currentSession()` available in every request. On when the config has LLMs (token
   * accounting needs it, so `false` is refused then); set true for your own use. It costs
   * throughput on Node 20.
   */
  @IsOptional()
  @IsBoolean()
  track_current_session?: boolean;

  /**
   * Where per-user functions that implement `StatefulFunction` keep their state: `memory` (default,
   * NAT's behaviour: a returning user starts fresh) or `redis` (checkpointed after each call that
   * changed it, restored after eviction, a restart, or on another replica; needs `general.cluster`).
   */
  @IsIn(['memory', 'redis'])
  session_state: 'memory' | 'redis' = 'memory';

  /** How long a user's saved state outlives their last activity, with `session_state: redis`. */
  @IsDuration()
  session_state_ttl: number = 30 * 24 * 3600;

  /**
   * Largest saved state of one per-user function (its `saveState()` as JSON, bytes or `512kb`, `1mb`),
   * with `session_state: redis`; a call leaving a larger one fails and its changes are not kept.
   */
  @IsByteSize()
  session_state_max_bytes: number = 1024 * 1024;

  /** Extra plugin modules: paths (relative to the config file) or package names. */
  @IsArray()
  @IsString({ each: true })
  plugins: string[] = [];
}

/** NAT `general` keys that Userscope accepts and ignores, so NAT configs load unchanged. */
export const IGNORED_NAT_GENERAL_KEYS = ['use_uvloop', 'telemetry', 'front_end', 'cache_dir', 'registry_handlers'];
