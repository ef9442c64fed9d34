import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminRoute } from '@userscope/http';
import type { WorkersView } from '../api/workers.types';
import { BATCH_STORE } from '../batch.constants';
import { BatchStore } from '../store/batch-store.interface';
import { isLive } from '../store/batch-records';
import { progressOf } from '../runs/run.view';
import { ExecutionQueue } from './execution.queue';
import { WorkerPresence } from './worker.presence';
import { ApiStoreUnavailableResponse } from '../batch-api.schemas';
import { WorkersViewReply } from './dto/workers.reply';

/** The job queue's workers and jobs (operator API), with `batch.queue: bullmq`. */
@ApiTags('batch')
@ApiStoreUnavailableResponse()
@AdminRoute()
@Controller('api/workers')
export class WorkersController {
  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    private readonly queue: ExecutionQueue,
    private readonly presence: WorkerPresence,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Workers of the job queue (id, concurrency, jobs now, last heartbeat), its jobs by state, and the live runs\' running, pending and failed executions; with batch.queue: inline, none' })
  @ApiOkResponse({ type: WorkersViewReply })
  async list(): Promise<WorkersView> {
    if (!this.queue.enabled) return { queue: 'inline', workers: [], jobs: null, runs: [] };
    const [workers, jobs, runs] = await Promise.all([this.presence.list(), this.queue.counts(), this.liveRuns()]);
    return { queue: 'bullmq', workers, jobs, runs };
  }

  /** The runs queued or running, with how many of their executions run and have failed. */
  private async liveRuns(): Promise<WorkersView['runs']> {
    const live = (await this.store.listRuns()).filter((run) => isLive(run.status));
    return Promise.all(
      live.map(async (run) => {
        const { running, pending, failed } = progressOf(await this.store.getExecutions(run.id));
        return { runId: run.id, status: run.status, running, pending, failed };
      }),
    );
  }
}
