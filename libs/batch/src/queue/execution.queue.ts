import { toMilliseconds } from '@userscope/runtime';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import Redis, { ReplyError } from 'ioredis';
import { BATCH_CONFIG } from '../batch.constants';
import { BatchConfig } from '../config/batch-config.reader';
import { StoreUnavailableError } from '../exceptions/store-unavailable.exception';
import { bullPrefix, EXECUTION_QUEUE, ExecutionJobData, executionJobId } from './execution-job';
import { loadBullMq } from './bullmq.loader';

/** Jobs' counts by state, as BullMQ keeps them. */
export type QueueCounts = Record<'waiting' | 'active' | 'delayed' | 'prioritized' | 'failed', number>;

/**
 * The BullMQ queue executions are jobs on, with `batch.queue: bullmq`: adds a run's executions as
 * jobs and takes them back. A job's retries are BullMQ's: `batch.max_attempts` attempts, each after
 * the delay the execution's retry policy gives (see `ExecutionWorker`'s backoff). Finished jobs are
 * removed: the batch store, not the queue, is the record of what ran.
 */
@Injectable()
export class ExecutionQueue implements OnApplicationShutdown {
  private queue?: Queue<ExecutionJobData>;
  private connection?: Redis;

  constructor(@Inject(BATCH_CONFIG) private readonly config: BatchConfig) {}

  /** Whether runs are worked through the queue. */
  get enabled(): boolean {
    return this.config.settings.queue === 'bullmq';
  }

  /** Queues a user's execution of a run; nothing when its job is queued or running already. */
  async add(runId: string, userId: string): Promise<void> {
    const { max_attempts: attempts } = this.config.settings;
    const options: JobsOptions = { jobId: executionJobId(runId, userId), attempts, backoff: { type: 'execution' }, removeOnComplete: true, removeOnFail: true };
    await this.call(() => this.open().add('execution', { runId, userId }, options));
  }

  /** Whether the execution's job is in the queue (waiting, delayed or running). */
  async has(runId: string, userId: string): Promise<boolean> {
    return this.call(async () => (await this.open().getJob(executionJobId(runId, userId))) !== undefined);
  }

  async counts(): Promise<QueueCounts> {
    const counts = await this.call(() => this.open().getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'));
    return counts as QueueCounts;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close().catch(() => undefined);
    this.connection?.disconnect(); // BullMQ leaves a connection it was given open
  }

  private open(): Queue<ExecutionJobData> {
    if (!this.queue) {
      const { redis_url: url, key_prefix: prefix, redis_command_timeout: timeout } = this.config.settings;
      this.connection = new Redis(url, { maxRetriesPerRequest: 3, commandTimeout: toMilliseconds(timeout) });
      this.connection.on('error', () => undefined); // the store's connection reports outages
      this.queue = new (loadBullMq().Queue)<ExecutionJobData>(EXECUTION_QUEUE, { connection: this.connection, prefix: bullPrefix(prefix) });
      this.queue.on('error', () => undefined);
    }
    return this.queue;
  }

  /**
   * A queue call whose Redis outage (no connection, a timeout) leaves as the store's, since the queue
   * lives in the store's Redis. BullMQ's own errors and Redis's error replies are bugs, not outages,
   * and stay as they are.
   */
  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!isOutage(error, this.connection)) throw error;
      throw new StoreUnavailableError(`the job queue (redis, ${EXECUTION_QUEUE})`, (error as Error).message);
    }
  }
}

/** Whether a failed call failed because Redis could not be reached, rather than because it refused the call. */
export function isOutage(error: unknown, connection: Pick<Redis, 'status'> | undefined): boolean {
  const { name, message } = error as Error;
  if (error instanceof ReplyError) return /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN)\b/.test(message); // a Redis starting or stuck
  return connection?.status !== 'ready' || name === 'MaxRetriesPerRequestError' || /Command timed out|Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT/.test(message);
}
