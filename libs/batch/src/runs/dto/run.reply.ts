import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ExecutionPage, ExecutionRecord, ExecutionStatus, Progress, RunPage, RunSettings, RunStatus, RunSummary, RunView, StartedRun } from '../../api/runs.types';

const RUN_STATUSES: RunStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
export const EXECUTION_STATUSES: ExecutionStatus[] = ['pending', 'running', 'succeeded', 'failed', 'cancelled'];

/** `GET /api/runs/settings`: the concurrency a new run gets by default, and the most it may ask for. */
export class RunSettingsReply implements RunSettings {
  @ApiProperty({ type: 'integer', description: '`batch.default_concurrency`: executions at once when the request names none' })
  defaultConcurrency!: number;

  @ApiProperty({ type: 'integer', description: '`batch.max_concurrency`: the most a run may ask for' })
  maxConcurrency!: number;
}

/** One execution a new run made. */
export class StartedExecution {
  @ApiProperty()
  userId!: string;

  @ApiProperty()
  workflowId!: string;
}

/** `POST /api/runs`: the new run and its executions, one a selected user. */
export class StartedRunReply implements StartedRun {
  @ApiProperty()
  runId!: string;

  @ApiProperty({ type: [StartedExecution] })
  executions!: StartedExecution[];
}

/** How many of a run's executions are in each state. */
export class RunProgress implements Progress {
  @ApiProperty()
  total!: number;

  @ApiProperty()
  pending!: number;

  @ApiProperty()
  running!: number;

  @ApiProperty()
  succeeded!: number;

  @ApiProperty()
  failed!: number;

  @ApiProperty()
  cancelled!: number;
}

/** A run without its executions, as the run history lists it. */
export class RunSummaryReply implements RunSummary {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  workflowId!: string;

  @ApiProperty()
  workflowName!: string;

  @ApiProperty({ enum: RUN_STATUSES })
  status!: RunStatus;

  @ApiProperty({ description: 'Executions at once' })
  concurrency!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  startedAt?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  finishedAt?: string;

  @ApiProperty({ type: RunProgress })
  progress!: RunProgress;

  @ApiProperty({ description: "Tokens of the executions' final attempts: what their results (or, failed, their last try) cost" })
  tokens!: number;

  @ApiProperty({ description: "Every token the run's LLM calls spent, over all attempts: what the model bills" })
  billedTokens!: number;
}

/** `GET /api/runs`: a page of the run history, newest first. */
export class RunPageReply implements RunPage {
  @ApiProperty({ type: [RunSummaryReply] })
  items!: RunSummaryReply[];

  @ApiProperty({ description: 'Runs in the history' })
  total!: number;
}

/** One user's execution of a run's workflow. */
export class ExecutionRecordReply implements ExecutionRecord {
  @ApiProperty({ description: '`workflow-<userId>-<runId>`' })
  id!: string;

  @ApiProperty()
  userId!: string;

  @ApiProperty()
  userName!: string;

  @ApiProperty({ enum: EXECUTION_STATUSES })
  status!: ExecutionStatus;

  @ApiProperty()
  attempts!: number;

  @ApiPropertyOptional()
  error?: string;

  @ApiPropertyOptional({ description: "The error's stable code, when it has one (`budget_exceeded`, ...)" })
  errorCode?: string;

  @ApiPropertyOptional()
  durationMs?: number;

  @ApiProperty({ description: 'Tokens of the final attempt' })
  tokens!: number;

  @ApiProperty({ description: 'Tokens of every attempt, retried and failed ones included' })
  billedTokens!: number;
}

/** Which executions a page of `GET /api/runs/{id}` holds. */
export class ExecutionPageInfo implements ExecutionPage {
  @ApiProperty()
  offset!: number;

  @ApiProperty({ maximum: 1000 })
  limit!: number;

  @ApiProperty({ description: 'Executions in the run' })
  total!: number;
}

/** A run with a page of its executions. */
export class RunViewReply extends RunSummaryReply implements RunView {
  @ApiProperty({ type: [ExecutionRecordReply], description: "In the run's order (user name, then id)" })
  executions!: ExecutionRecordReply[];

  @ApiProperty({ type: ExecutionPageInfo })
  page!: ExecutionPageInfo;
}
