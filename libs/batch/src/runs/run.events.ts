import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { RunEvent } from '../api/runs.types';
import { ExecutionRecord, RunStatus } from '../store/batch-records';
import { progressOf } from './run.view';

/** Announces each run's changes to whoever follows it: the SSE route, the CLI's progress bar. */
@Injectable()
export class RunEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  /** Events of one run. Returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.emitter.on(runId, listener);
    return () => this.emitter.off(runId, listener);
  }

  publishExecution(runId: string, execution: ExecutionRecord): void {
    this.publish(runId, { type: 'execution', data: { ...execution } });
  }

  publishProgress(runId: string, executions: Iterable<ExecutionRecord>): void {
    // Counting is O(users), so only when someone listens.
    if (this.emitter.listenerCount(runId) > 0) this.publish(runId, { type: 'progress', data: progressOf(executions) });
  }

  publishEnd(runId: string, status: RunStatus): void {
    this.publish(runId, { type: 'end', data: { status } });
  }

  private publish(runId: string, event: RunEvent): void {
    this.emitter.emit(runId, event);
  }
}
