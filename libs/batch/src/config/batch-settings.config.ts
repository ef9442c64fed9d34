import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min, Validate, ValidatorConstraint, ValidatorConstraintInterface, ValidationArguments } from 'class-validator';
import { IsDuration } from '@userscope/runtime';

/** `queue: bullmq` keeps its jobs next to the runs, in Redis. */
@ValidatorConstraint({ name: 'queueNeedsRedis' })
class QueueNeedsRedis implements ValidatorConstraintInterface {
  validate(queue: unknown, args: ValidationArguments): boolean {
    return queue !== 'bullmq' || (args.object as BatchSettings).store === 'redis';
  }

  defaultMessage(): string {
    return 'bullmq needs batch.store: redis (the jobs and the runs they work live in the same Redis)';
  }
}

/** The `batch:` section: where batch data lives and how runs are bounded. */
export class BatchSettings {
  /** `memory` (default; lost on restart) or `redis` (survives restarts; runs resume). */
  @IsIn(['memory', 'redis'])
  store: 'memory' | 'redis' = 'memory';

  /**
   * Where a run's executions are worked: `inline` (default), by the server that started the run;
   * `bullmq`, as BullMQ jobs on the store's Redis, by every process that works jobs (`worker`, and
   * `userscope worker`), on any machine sharing the Redis.
   */
  @IsIn(['inline', 'bullmq'])
  @Validate(QueueNeedsRedis)
  queue: 'inline' | 'bullmq' = 'inline';

  /** With `queue: bullmq`, whether this server also works jobs (a `userscope worker` always does). */
  @IsBoolean()
  worker: boolean = true;

  /** With `queue: bullmq`, the jobs one process works at once (`userscope worker --concurrency` overrides it). */
  @IsInt()
  @Min(1)
  @Max(10_000)
  worker_concurrency: number = 50;

  /**
   * With `queue: bullmq`, how long a job's lock lasts without its worker renewing it (every half of
   * it). A worker that died (kill -9) or froze loses its jobs to another worker after this long.
   */
  @IsDuration()
  job_lock: number = 30;

  /** Redis connection for `store: redis`. */
  @IsString()
  redis_url: string = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key, so several servers or tests can share one Redis. */
  @IsString()
  key_prefix: string = 'userscope:';

  /**
   * How long a run's lease lasts without a heartbeat (renewed every third of it). Another server
   * on the same Redis takes over a run only once its lease has expired.
   */
  @IsDuration()
  run_lease_ttl: number = 15;

  /** A Redis command unanswered for this long fails (the API answers 503 store_unavailable; runs wait). */
  @IsDuration()
  redis_command_timeout: number = 3;

  /** Executions of a run at once when the request names none. */
  @IsInt()
  @Min(1)
  default_concurrency: number = 10;

  /** The most a run may ask for. */
  @IsInt()
  @Min(1)
  @Max(10_000)
  max_concurrency: number = 100;

  /** Tries per execution before it counts as failed. */
  @IsInt()
  @Min(1)
  @Max(10)
  max_attempts: number = 3;

  /**
   * How long one attempt of an execution (all of a user's nodes) may run; beyond it the attempt
   * fails as timed out and its AbortSignal aborts (it is retried like any failure). Unset: unbounded.
   */
  @Transform(({ value }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsDuration()
  execution_timeout?: number;

  /** First retry delay; doubled each time, with jitter. */
  @IsDuration()
  retry_backoff: number = 1;

  /** The longest text a template inserts for one placeholder. */
  @IsInt()
  @Min(1)
  max_injected_length: number = 4000;

  /** Runs kept; the oldest finished ones beyond this are deleted with their results. */
  @IsInt()
  @Min(1)
  retention_runs: number = 200;

  /** Users a directory may hold. */
  @IsInt()
  @Min(1)
  max_users: number = 100_000;

  /** How long `POST /api/workflows/test` may run a draft for one user before it is aborted. */
  @IsDuration()
  test_timeout: number = 60;

  /** Test runs (`POST /api/workflows/test`) at once on this server; one more is answered 429. */
  @IsInt()
  @Min(1)
  max_concurrent_tests: number = 4;
}
