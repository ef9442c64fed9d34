import { ApiProperty } from '@nestjs/swagger';
import type { WorkersView, WorkerView } from '../../api/workers.types';
import type { RunStatus } from '../../api/runs.types';

/** A process working the job queue, as its last heartbeat told. */
export class WorkerViewReply implements WorkerView {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  host!: string;

  @ApiProperty()
  pid!: number;

  @ApiProperty({ description: 'Jobs it works at once at most' })
  concurrency!: number;

  @ApiProperty({ description: 'Jobs it worked at its last heartbeat' })
  active!: number;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ format: 'date-time' })
  heartbeatAt!: string;
}

/** The queue's jobs by state. */
export class QueueJobCounts {
  @ApiProperty()
  waiting!: number;

  @ApiProperty()
  active!: number;

  @ApiProperty()
  delayed!: number;

  @ApiProperty()
  prioritized!: number;

  @ApiProperty()
  failed!: number;
}

/** A run queued or running, with its executions running, waiting and failed. */
export class LiveRunReply {
  @ApiProperty()
  runId!: string;

  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed', 'cancelled'] })
  status!: RunStatus;

  @ApiProperty()
  running!: number;

  @ApiProperty()
  pending!: number;

  @ApiProperty()
  failed!: number;
}

/** `GET /api/workers`. */
export class WorkersViewReply implements WorkersView {
  @ApiProperty({ enum: ['inline', 'bullmq'], description: '`batch.queue`' })
  queue!: 'inline' | 'bullmq';

  @ApiProperty({ type: [WorkerViewReply] })
  workers!: WorkerViewReply[];

  @ApiProperty({ type: QueueJobCounts, nullable: true, description: 'null with `queue: inline`' })
  jobs!: QueueJobCounts | null;

  @ApiProperty({ type: [LiveRunReply], description: 'The runs queued or running' })
  runs!: LiveRunReply[];
}
