import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminRoute } from '@userscope/http';
import type { WorkersView } from '../api/workers.types';
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
    private readonly queue: ExecutionQueue,
    private readonly presence: WorkerPresence,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Workers of the job queue (id, concurrency, jobs now, last heartbeat) and its jobs by state; with batch.queue: inline, none' })
  @ApiOkResponse({ type: WorkersViewReply })
  async list(): Promise<WorkersView> {
    if (!this.queue.enabled) return { queue: 'inline', workers: [], jobs: null };
    const [workers, jobs] = await Promise.all([this.presence.list(), this.queue.counts()]);
    return { queue: 'bullmq', workers, jobs };
  }
}
