import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { MetricsRegistry } from '@userscope/http';
import type { ExecutionStatus, RunStatus } from '../api/runs.types';
import { BATCH_STORE } from '../batch.constants';
import { BatchStore } from '../store/batch-store.interface';
import { ExecutionRecord } from '../store/batch-records';
import { ExecutionQueue } from '../queue/execution.queue';
import { WorkerPresence } from '../queue/worker.presence';

const RUN_STATUSES: RunStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
const FINISHED: ExecutionStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * Batch metrics in the server's /metrics: `userscope_batch_runs{status}` (a gauge read from the store
 * when scraped), `userscope_batch_executions_total{status}` and
 * `userscope_batch_execution_duration_seconds{status}` (executions this process finished); with the
 * queue, `userscope_batch_queue_jobs{state}` and `userscope_batch_workers`.
 */
@Injectable()
export class BatchMetrics implements OnModuleInit {
  private executions?: ReturnType<MetricsRegistry['counter']>;
  private durations?: ReturnType<MetricsRegistry['histogram']>;

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    private readonly queue: ExecutionQueue,
    private readonly presence: WorkerPresence,
    @Optional() private readonly metrics?: MetricsRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.metrics) return; // `userscope batch` has no HTTP server
    const store = this.store;
    this.metrics.gauge({
      name: 'userscope_batch_runs',
      help: 'Batch runs kept in the store, by status',
      labelNames: ['status'] as const,
      async collect() {
        const counts = new Map<string, number>(RUN_STATUSES.map((status) => [status, 0]));
        // A store that is away leaves the gauge out of this scrape rather than failing /metrics.
        const runs = await store.listRuns().catch(() => undefined);
        if (!runs) return this.reset();
        for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
        for (const [status, count] of counts) this.set({ status }, count);
      },
    });
    this.executions = this.metrics.counter({ name: 'userscope_batch_executions_total', help: 'Batch executions finished by this process, by status', labelNames: ['status'] as const });
    this.durations = this.metrics.histogram({
      name: 'userscope_batch_execution_duration_seconds',
      help: 'How long a batch execution took, its retries included, by status',
      labelNames: ['status'] as const,
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    });
    for (const status of FINISHED) this.executions.inc({ status }, 0);
    if (this.queue.enabled) this.queueGauges(this.metrics);
  }

  /** `userscope_batch_queue_jobs{state}` and `userscope_batch_workers`, read from Redis when scraped. */
  private queueGauges(metrics: MetricsRegistry): void {
    const { queue, presence } = this;
    metrics.gauge({
      name: 'userscope_batch_queue_jobs',
      help: 'Jobs of the batch job queue (batch.queue: bullmq), by state',
      labelNames: ['state'] as const,
      async collect() {
        const counts = await queue.counts().catch(() => undefined);
        if (!counts) return this.reset();
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
    metrics.gauge({
      name: 'userscope_batch_workers',
      help: 'Processes working the batch job queue, as their heartbeats say',
      async collect() {
        const workers = await presence.list().catch(() => undefined);
        if (!workers) return this.reset();
        this.set(workers.length);
      },
    });
  }

  /** Counts an execution that reached a final status, once, on the process that set it (a pending one a cancel marked included). */
  finished(execution: ExecutionRecord): void {
    if (!FINISHED.includes(execution.status)) return;
    this.executions?.inc({ status: execution.status });
    if (execution.durationMs !== undefined) this.durations?.observe({ status: execution.status }, execution.durationMs / 1000);
  }
}
