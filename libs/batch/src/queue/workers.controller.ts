import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '@userscope/http';
import type { WorkersView } from '../api/workers.types';
import { ExecutionQueue } from './execution.queue';
import { WorkerPresence } from './worker.presence';

/** The job queue's workers and jobs (operator API), with `batch.queue: bullmq`. */
@ApiTags('batch')
@ApiBearerAuth()
@Controller('api/workers')
@UseGuards(AdminGuard)
export class WorkersController {
  constructor(
    private readonly queue: ExecutionQueue,
    private readonly presence: WorkerPresence,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Workers of the job queue (id, concurrency, jobs now, last heartbeat) and its jobs by state; with batch.queue: inline, none' })
  async list(): Promise<WorkersView> {
    if (!this.queue.enabled) return { queue: 'inline', workers: [], jobs: null };
    const [workers, jobs] = await Promise.all([this.presence.list(), this.queue.counts()]);
    return { queue: 'bullmq', workers, jobs };
  }
}
