import { toMilliseconds } from '@userscope/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Worker } from 'bullmq';
import Redis from 'ioredis';
import { BATCH_CONFIG, EXECUTION_DRAIN_MS } from '../batch.constants';
import { BatchConfig } from '../config/batch-config.reader';
import { bullPrefix, EXECUTION_QUEUE, ExecutionJobData } from './execution-job';
import { loadBullMq } from './bullmq.loader';
import { QueuedExecutionProcessor, RetryExecutionLater } from './queued-execution.processor';
import { WorkerPresence } from './worker.presence';

/**
 * Works the queue's jobs in this process, with `batch.queue: bullmq` and `batch.worker: true` (a
 * server), or in `userscope worker`. BullMQ gives each job to one worker at a time under a lock
 * (`batch.job_lock`), renewed while it runs; a worker that dies or freezes loses its jobs to another
 * once the lock expires (BullMQ's stalled-job check). A job's next attempt waits what the execution's
 * retry policy says (`RetryExecutionLater.delayMs`).
 */
@Injectable()
export class ExecutionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BatchWorker');
  private worker?: Worker<ExecutionJobData>;
  private connection?: Redis;
  private readonly stopping = new AbortController();

  constructor(
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly processor: QueuedExecutionProcessor,
    private readonly presence: WorkerPresence,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { queue, worker, worker_concurrency, job_lock, redis_url: url, key_prefix: prefix, max_attempts } = this.config.settings;
    if (queue !== 'bullmq' || !worker) return;
    const concurrency = worker_concurrency;
    await this.processor.listenForCancels();
    // BullMQ's blocking commands need a connection that never gives up on a request.
    const connection = (this.connection = new Redis(url, { maxRetriesPerRequest: null }));
    connection.on('error', () => undefined); // the store's connection reports outages
    const lockDuration = toMilliseconds(job_lock);
    this.worker = new (loadBullMq().Worker)<ExecutionJobData>(EXECUTION_QUEUE, (job, _token, signal) => this.processor.process(job.data, anyOf(signal, this.stopping.signal)), {
      connection,
      prefix: bullPrefix(prefix),
      concurrency,
      lockDuration,
      stalledInterval: Math.max(1000, lockDuration / 2),
      // A job whose worker died is given to another as many times as it may be attempted.
      maxStalledCount: max_attempts,
      settings: { backoffStrategy: (_attempts, _type, error) => (error instanceof RetryExecutionLater ? error.delayMs : 1000) },
    });
    this.worker.on('error', (error) => this.logger.warn(`The job queue: ${error.message}`));
    await this.presence.start(concurrency, () => this.processor.active);
    this.logger.log(`Working batch jobs, ${concurrency} at once`);
  }

  /** Stops taking jobs; those running get a moment to finish, then their signals abort and their executions wait for another worker. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    const closing = this.worker.close();
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, EXECUTION_DRAIN_MS).unref())]);
    this.stopping.abort();
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, EXECUTION_DRAIN_MS).unref())]);
    await this.presence.stop();
    this.connection?.disconnect(); // BullMQ leaves a connection it was given open
  }
}

function anyOf(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((signal): signal is AbortSignal => !!signal));
}
