import { BeforeApplicationShutdown, Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminGuard } from '@userscope/http';
import { BodyValidationPipe } from '../validation/body-validation.pipe';
import { StartRunDto } from './dto/start-run.dto';
import { badRequest } from '../batch-http.errors';
import type { Analytics, RunEvent, RunResults, RunView, StartedRun } from '../api/runs.types';
import { RunsService } from './runs.service';
import { exportCsv, exportJson } from './run-results.view';
import { EXECUTION_PAGE_LIMIT } from './run.view';
import { isLive } from '../store/batch-records';

/** Runs of a batch workflow over many users, their progress, results and exports (operator API). */
@ApiTags('batch')
@ApiBearerAuth()
@Controller('api/runs')
@UseGuards(AdminGuard)
export class RunsController implements BeforeApplicationShutdown {
  /** Ends each open event stream. */
  private readonly streams = new Set<() => void>();

  constructor(private readonly runs: RunsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a run of a batch workflow for selected users (or all)' })
  start(@Body(BodyValidationPipe) body: StartRunDto): Promise<StartedRun> {
    return this.runs.start(body);
  }

  @Get()
  @ApiOperation({ summary: 'Run history, newest first' })
  list(@Query('offset') offset?: string, @Query('limit') limit?: string) {
    return this.runs.list(toInt(offset, 0), Math.min(toInt(limit, 50), 500));
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress and tokens of a run, with a page of its executions (`?offset=0&limit=1000`, at most 1000)' })
  get(@Param('id') id: string, @Query('offset') offset?: string, @Query('limit') limit?: string): Promise<RunView> {
    return this.runs.get(id, { offset: toInt(offset, 0), limit: toInt(limit, EXECUTION_PAGE_LIMIT) });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a run on whichever server works it, answering at once: pending executions are cancelled, running ones aborted (their signals abort)' })
  cancel(@Param('id') id: string): Promise<RunView> {
    return this.runs.cancel(id);
  }

  @Post(':id/retry-failed')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the failed (and cancelled) executions of a run that has ended again, on this server' })
  retryFailed(@Param('id') id: string): Promise<RunView> {
    return this.runs.retryFailed(id);
  }

  @Get(':id/results')
  @ApiOperation({ summary: "Every user's node outputs, final result, tokens, status, error and duration" })
  results(@Param('id') id: string): Promise<RunResults> {
    return this.runs.results(id);
  }

  @Get(':id/export')
  @ApiOperation({ summary: 'The final results as the seed\'s "Copy All" JSON array, or CSV' })
  async export(@Param('id') id: string, @Query('format') format: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    if (format !== undefined && format !== 'json' && format !== 'csv') throw badRequest("format must be 'json' or 'csv'");
    const results = await this.runs.results(id);
    const csv = format === 'csv';
    void reply
      .header('content-type', csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="run-${id}.${csv ? 'csv' : 'json'}"`)
      .send(csv ? exportCsv(results) : JSON.stringify(exportJson(results)));
  }

  @Get(':id/analytics')
  @ApiOperation({ summary: 'Success rate, tokens and durations of a run, overall and by node' })
  analytics(@Param('id') id: string): Promise<Analytics> {
    return this.runs.analytics(id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-sent events: snapshot, then execution and progress changes, then end' })
  async events(@Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const snapshot = await this.runs.get(id); // 404 before the stream starts
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const write = (event: string, data: unknown) => response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    write('snapshot', snapshot);
    // Live here, or (with the Redis store) live on another server, whose events travel through Redis.
    if (!this.runs.isActive(id) && !isLive(snapshot.status)) {
      write('end', { status: snapshot.status });
      response.end();
      return;
    }
    const close = () => {
      unsubscribe();
      this.streams.delete(close);
      if (!response.writableEnded) response.end();
    };
    const unsubscribe = this.runs.subscribe(id, (event: RunEvent) => {
      write(event.type, event.data);
      if (event.type === 'end') close();
    });
    this.streams.add(close);
    response.once('close', close);
    // A run that ended elsewhere between the snapshot and the subscription sent its end unheard.
    if (!this.runs.isActive(id)) {
      const { status } = await this.runs.get(id, { limit: 0 }).catch(() => snapshot);
      if (!isLive(status) && !response.writableEnded) {
        write('end', { status });
        close();
      }
    }
  }

  /**
   * Before the HTTP server closes: ends the open event streams (without `end`: the run goes on, or
   * resumes on the next start), or the server would wait for each of those runs to finish.
   */
  beforeApplicationShutdown(): void {
    for (const close of [...this.streams]) close();
  }
}

function toInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw badRequest('offset and limit must be non-negative integers');
  return number;
}
