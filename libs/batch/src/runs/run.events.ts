import { Injectable } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { RunEvent } from '../api/runs.types';
import { ExecutionRecord, RunStatus } from '../store/batch-records';
import { progressOf } from './run.view';

/** The most often a run's progress is counted and published: counting is O(executions). */
export const PROGRESS_INTERVAL_MS = 100;

/**
 * Announces each run's changes to whoever follows it: the SSE route, the CLI's progress bar. Every
 * execution change is published; progress at most every 100 ms (the last one always, before `end`),
 * since counting it on each change would make a followed run quadratic in its executions.
 */
@Injectable()
export class RunEvents {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  /** When each run's progress was last published. */
  private readonly lastProgress = new Map<string, number>();
  /** Progress held back until its interval has passed: the executions to count then. */
  private readonly heldProgress = new Map<string, { executions: Iterable<ExecutionRecord>; timer: NodeJS.Timeout }>();

  /** Events of one run. Returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.emitter.on(runId, listener);
    return () => this.emitter.off(runId, listener);
  }

  publishExecution(runId: string, execution: ExecutionRecord): void {
    if (this.emitter.listenerCount(runId) === 0) return; // a copy per change of a run nobody follows is garbage
    this.publish(runId, { type: 'execution', data: { ...execution } });
  }

  /** `executions` are counted when the progress goes out: a live iterable (a Map's values) counts them as they are then. */
  publishProgress(runId: string, executions: Iterable<ExecutionRecord>): void {
    if (this.emitter.listenerCount(runId) === 0) return; // counting is O(users), so only when someone listens
    const held = this.heldProgress.get(runId);
    if (held) {
      held.executions = executions;
      return;
    }
    const wait = PROGRESS_INTERVAL_MS - (performance.now() - (this.lastProgress.get(runId) ?? -Infinity));
    if (wait <= 0) return this.countAndPublish(runId, executions);
    const timer = setTimeout(() => this.releaseProgress(runId), wait).unref();
    this.heldProgress.set(runId, { executions, timer });
  }

  publishEnd(runId: string, status: RunStatus): void {
    this.releaseProgress(runId);
    this.lastProgress.delete(runId);
    this.publish(runId, { type: 'end', data: { status } });
  }

  private releaseProgress(runId: string): void {
    const held = this.heldProgress.get(runId);
    if (!held) return;
    clearTimeout(held.timer);
    this.heldProgress.delete(runId);
    if (this.emitter.listenerCount(runId) > 0) this.countAndPublish(runId, held.executions);
  }

  private countAndPublish(runId: string, executions: Iterable<ExecutionRecord>): void {
    this.lastProgress.set(runId, performance.now());
    this.publish(runId, { type: 'progress', data: progressOf(executions) });
  }

  private publish(runId: string, event: RunEvent): void {
    this.emitter.emit(runId, event);
  }
}
