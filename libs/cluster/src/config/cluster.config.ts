import { IsInt, IsOptional, IsString, IsUrl, Matches, Min, MinLength } from 'class-validator';
import { IsDuration } from '@userscope/runtime';

/**
 * `general.cluster`: this server is one replica of many on one Redis. Each key has an environment
 * form (`USERSCOPE_CLUSTER_REDIS_URL`, `USERSCOPE_REPLICA_ID`, `USERSCOPE_ADVERTISE_URL`,
 * `USERSCOPE_LEASE_TTL`, `USERSCOPE_CLUSTER_SECRET`), which wins over the file, so one config serves
 * every replica.
 */
export class ClusterConfig {
  /** The Redis every replica shares: leases, the replica directory, saved state. */
  @IsString()
  redis_url!: string;

  /** This replica's name in the directory, the monitor and `X-Userscope-Replica`; default `<hostname>-<pid>`. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,64}$/, { message: 'replica_id must be 1-64 letters, digits, dots, dashes or underscores' })
  replica_id?: string;

  /** Where other replicas reach this one (forwarded requests, the cluster monitor); default `http://<hostname>:<port>`. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'advertise_url must be an http(s) URL' })
  advertise_url?: string;

  /** How long a user's lease, and a replica's entry in the directory, last without renewal (renewed every third of it). */
  @IsDuration()
  @Min(1, { message: 'must be at least 1s: leases are renewed every third of it' })
  lease_ttl: number = 15;

  /** How long `/monitor/users` waits for each other replica's answer before listing it as missing. */
  @IsDuration()
  monitor_timeout: number = 2;

  /**
   * How long a forwarded request waits for the owner to start answering (its status and headers;
   * an event stream's body is never cut) before this replica checks that the owner is alive at all.
   * An owner that does not answer its /health either (paused, cut off) gets its users answered
   * `503 owner_unresponsive` until their leases expire; one that does is waited for again.
   */
  @IsDuration()
  @Min(0.1, { message: 'must be at least 100ms' })
  forward_timeout: number = 10;

  /**
   * After this many of one user's requests forwarded to the same owner, this replica asks the owner
   * to hand the user over (with `session_state: redis` only; 0: never). The proxy sends a user to the
   * replica their hash picks: when that changed (a replica added), the user follows.
   */
  @IsInt({ message: 'must be a whole number of requests' })
  @Min(0)
  rebalance_after: number = 3;

  /** Prefix of every key cluster mode writes, so several clusters or tests can share one Redis. */
  @IsString()
  key_prefix: string = 'userscope:cluster:';

  /**
   * The secret every replica shares: it signs the calls one replica sends another (a batch run's
   * function calls for a user another replica owns), so that no client can forge them. Set it from
   * the environment (`USERSCOPE_CLUSTER_SECRET`, or `secret: ${MY_SECRET}`), never in the file.
   */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (e.g. openssl rand -hex 32)' })
  secret?: string;
}

/** The environment forms of `general.cluster`'s keys. */
export const CLUSTER_ENV = {
  redis_url: 'USERSCOPE_CLUSTER_REDIS_URL',
  replica_id: 'USERSCOPE_REPLICA_ID',
  advertise_url: 'USERSCOPE_ADVERTISE_URL',
  lease_ttl: 'USERSCOPE_LEASE_TTL',
  secret: 'USERSCOPE_CLUSTER_SECRET',
} as const;
