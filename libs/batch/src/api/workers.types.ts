import type { RunStatus } from './runs.types';

/** A process working the job queue. */
export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  /** Jobs it works at once at most. */
  concurrency: number;
  /** Jobs it worked at its last heartbeat. */
  active: number;
  startedAt: string;
  heartbeatAt: string;
}

/** `GET /api/workers`. */
export interface WorkersView {
  queue: 'inline' | 'bullmq';
  workers: WorkerView[];
  /** The queue's jobs by state; null with `queue: inline`. */
  jobs: { waiting: number; active: number; delayed: number; prioritized: number; failed: number } | null;
  /** The runs queued or running, with their executions running, waiting and failed. */
  runs: { runId: string; status: RunStatus; running: number; pending: number; failed: number }[];
}
