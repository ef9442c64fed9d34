import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { RunEvent } from '../api/runs.types';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { ExecutionRecord, RunStatus } from '../store/batch-records';
import { QueuedExecutionStore } from '../store/queued-execution-store.interface';
import { progressOf } from './run.view';

/** The most often a run's progress is counted and published: counting is O(executions). */
export const PROGRESS_INTERVAL_MS = 100;

/** An event as it travels between processes: with the process it came from, which heard it first hand. */
type TravellingEvent = RunEvent & { origin?: string };

/**
 * Announces each run's changes to whoever follows it: the SSE route, the CLI's progress bar. Every
 * execution change is published; progress at most every 100 ms (the last one always, before `end`),
 * since counting it on each change would make a followed run quadratic in its executions.
 *
 * With the Redis store a run's followers may be on any server sharing it, and with `batch.queue:
 * bullmq` its executions end on other processes: every event also travels through the store (Redis
 * pub/sub), and a process following a run hears it from there, besides its own first hand.
 */
@Injectable()
export class RunEvents {
  private readonly logger = new Logger('BatchRuns');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  /** When each run's progress was last published. */
  private readonly lastProgress = new Map<string, number>();
  /** Progress held back until its interval has passed: the executions to count then. */
  private readonly heldProgress = new Map<string, { executions: Iterable<ExecutionRecord>; timer: NodeJS.Timeout }>();
  /** With the queue: the runs this process follows through the store, and how to stop. */
  private readonly following = new Map<string, Promise<() => void>>();
  private readonly origin = randomBytes(6).toString('hex');

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
  ) {}

  /** With the Redis store, a run's followers may be on any server sharing it (and its executions, with the queue, on any worker). */
  private get travels(): boolean {
    return this.config.settings.store === 'redis';
  }

  /** Events of one run. Returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: RunEvent) => void): () => void {
    this.emitter.on(runId, listener);
    if (this.travels && !this.following.has(runId)) this.follow(runId);
    return () => {
      this.emitter.off(runId, listener);
      if (this.emitter.listenerCount(runId) === 0) this.unfollow(runId);
    };
  }

  publishExecution(runId: string, execution: ExecutionRecord): void {
    if (!this.travels && this.emitter.listenerCount(runId) === 0) return; // a copy per change of a run nobody follows is garbage
    this.publish(runId, { type: 'execution', data: { ...execution } });
  }

  /** `executions` are counted when the progress goes out: a live iterable (a Map's values) counts them as they are then. */
  publishProgress(runId: string, executions: Iterable<ExecutionRecord>): void {
    // Counting is O(users), so only when someone listens (who, with the queue, this process cannot know).
    if (!this.travels && this.emitter.listenerCount(runId) === 0) return;
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
    if (this.travels || this.emitter.listenerCount(runId) > 0) this.countAndPublish(runId, held.executions);
  }

  private countAndPublish(runId: string, executions: Iterable<ExecutionRecord>): void {
    this.lastProgress.set(runId, performance.now());
    this.publish(runId, { type: 'progress', data: progressOf(executions) });
  }

  private publish(runId: string, event: RunEvent): void {
    this.emitter.emit(runId, event);
    if (!this.travels) return;
    const travelling: TravellingEvent = { ...event, origin: this.origin };
    (this.store as BatchStore & QueuedExecutionStore).publishRunEvent(runId, travelling).catch((error: Error) => {
      this.logger.warn(`Run ${runId}: an event did not reach the other processes (${error.message})`);
    });
  }

  private follow(runId: string): void {
    const heard = ({ origin, ...event }: TravellingEvent) => {
      if (origin !== this.origin) this.emitter.emit(runId, event as RunEvent);
    };
    const following = (this.store as BatchStore & QueuedExecutionStore).followRunEvents(runId, heard);
    following.catch((error: Error) => {
      this.following.delete(runId);
      this.logger.warn(`Run ${runId}: cannot follow its events from other processes (${error.message})`);
    });
    this.following.set(runId, following);
  }

  private unfollow(runId: string): void {
    const following = this.following.get(runId);
    this.following.delete(runId);
    void following?.then((stop) => stop(), () => undefined);
  }
}
