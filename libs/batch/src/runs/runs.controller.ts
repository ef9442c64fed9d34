import { BeforeApplicationShutdown, Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AdminRoute } from '@userscope/http';
import { BodyValidationPipe } from '../validation/body-validation.pipe';
import { StartRunDto } from './dto/start-run.dto';
import { badRequest } from '../batch-http.errors';
import type { Analytics, RunEvent, RunResults, RunSettings, RunView, StartedRun } from '../api/runs.types';
import { ANY_JSON_SCHEMA, ApiStoreUnavailableResponse, errorReply } from '../batch-api.schemas';
import { AnalyticsReply, RunResultsReply } from './dto/run-results.reply';
import { RunPageReply, RunSettingsReply, RunViewReply, StartedRunReply } from './dto/run.reply';
import { RunsService } from './runs.service';
import { exportCsv, exportJson } from './run-results.view';
import { EXECUTION_PAGE_LIMIT } from './run.view';
import { isLive } from '../store/batch-records';

/** Runs of a batch workflow over many users, their progress, results and exports (operator API). */
@ApiTags('batch')
@ApiStoreUnavailableResponse()
@AdminRoute()
@Controller('api/runs')
export class RunsController implements BeforeApplicationShutdown {
  /** Ends each open event stream. */
  private readonly streams = new Set<() => void>();

  constructor(private readonly runs: RunsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Start a run of a batch workflow for selected users (or all)' })
  @ApiAcceptedResponse({ type: StartedRunReply, description: 'The run is queued; follow it with GET /api/runs/{id} or its events' })
  @ApiBadRequestResponse(errorReply('`bad_request`: the body is not valid, selects no user or unknown ones, concurrency is over `batch.max_concurrency`, or users lack fields the workflow needs (`details` is the preflight; `force: true` runs anyway)'))
  @ApiNotFoundResponse(errorReply('`not_found`: no such batch workflow'))
  start(@Body(BodyValidationPipe) body: StartRunDto): Promise<StartedRun> {
    return this.runs.start(body);
  }

  @Get()
  @ApiOperation({ summary: 'Run history, newest first' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Default 50, at most 500' })
  @ApiOkResponse({ type: RunPageReply })
  @ApiBadRequestResponse(errorReply('`bad_request`: offset or limit is not a non-negative integer'))
  list(@Query('offset') offset?: string, @Query('limit') limit?: string): Promise<RunPageReply> {
    return this.runs.list(toInt(offset, 0), Math.min(toInt(limit, 50), 500));
  }

  // Declared before `:id`; Fastify matches the static path first anyway, and run ids are digits and hex.
  @Get('settings')
  @ApiOperation({ summary: 'What a new run may ask for: its default concurrency and the most it may ask for (`batch.default_concurrency`, `batch.max_concurrency`)' })
  @ApiOkResponse({ type: RunSettingsReply })
  settings(): RunSettings {
    return this.runs.settings();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, progress and tokens of a run, with a page of its executions (`?offset=0&limit=1000`, at most 1000)' })
  @ApiQuery({ name: 'offset', required: false, type: Number })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'Default and at most 1000' })
  @ApiOkResponse({ type: RunViewReply })
  @ApiBadRequestResponse(errorReply('`bad_request`: offset or limit is not a non-negative integer'))
  @ApiNotFoundResponse(errorReply('`not_found`: no such run'))
  get(@Param('id') id: string, @Query('offset') offset?: string, @Query('limit') limit?: string): Promise<RunView> {
    return this.runs.get(id, { offset: toInt(offset, 0), limit: toInt(limit, EXECUTION_PAGE_LIMIT) });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a run on whichever server works it, answering at once: pending executions are cancelled, running ones aborted (their signals abort)' })
  @ApiOkResponse({ type: RunViewReply, description: 'The cancelled run' })
  @ApiNotFoundResponse(errorReply('`not_found`: no such run'))
  @ApiConflictResponse(errorReply('`conflict`: the run has ended already'))
  cancel(@Param('id') id: string): Promise<RunView> {
    return this.runs.cancel(id);
  }

  @Post(':id/retry-failed')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the failed (and cancelled) executions of a run that has ended again, on this server' })
  @ApiAcceptedResponse({ type: RunViewReply, description: 'The run, running again' })
  @ApiNotFoundResponse(errorReply('`not_found`: no such run'))
  @ApiConflictResponse(errorReply('`conflict`: the run has not ended yet'))
  retryFailed(@Param('id') id: string): Promise<RunView> {
    return this.runs.retryFailed(id);
  }

  @Get(':id/results')
  @ApiOperation({ summary: "Every user's node outputs, final result, tokens, status, error and duration" })
  @ApiOkResponse({ type: RunResultsReply })
  @ApiNotFoundResponse(errorReply('`not_found`: no such run'))
  results(@Param('id') id: string): Promise<RunResults> {
    return this.runs.results(id);
  }

  @Get(':id/export')
  @ApiOperation({ summary: 'The final results as the seed\'s "Copy All" JSON array, or CSV' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOkResponse({
    description: 'As an attachment: `[{user, result}]` for the users with a result, or CSV, one row a user (an object result flattened into `result.<key>` columns)',
    content: {
      'application/json': {
        schema: { type: 'array', items: { type: 'object', required: ['user', 'result'], properties: { user: { type: 'string', description: "The user's name" }, result: ANY_JSON_SCHEMA } } },
      },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse(errorReply("`bad_request`: format is neither 'json' nor 'csv'"))
  @ApiNotFoundResponse(errorReply('`not_found`: no such run'))
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
  @ApiOkResponse({ type: AnalyticsReply })
  @ApiNotFoundResponse(errorReply('`not_found`: no such run'))
  analytics(@Param('id') id: string): Promise<Analytics> {
    return this.runs.analytics(id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: 'Server-sent events: snapshot, then execution and progress changes, then end' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      '`event: snapshot` with the run (a RunViewReply) as data, then `event: execution` (an ExecutionRecordReply) and `event: progress` ' +
      '(a RunProgress) as the run goes, then `event: end` with `{status}`. A run that is not active gets its snapshot and end at once.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiNotFoundResponse(errorReply('`not_found`: no such run'))
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
