import { toMilliseconds } from '@userscope/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser, isLive, NodeResult, RunMeta } from '../store/batch-records';
import { RunScheduler } from './run.scheduler';

/**
 * Takes over the unfinished runs nobody works: at startup (a restart interrupted them; their state
 * survives with the Redis store) and then every lease period (the process working them died or
 * stalled past its lease). A run whose lease is held is left to its holder.
 */
@Injectable()
export class RunRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BatchRuns');
  private timer?: NodeJS.Timeout;
  private scanning?: Promise<void>;

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly scheduler: RunScheduler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.takeOverExpired();
    this.timer = setInterval(() => void this.takeOverExpired(), toMilliseconds(this.config.settings.run_lease_ttl));
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.scanning;
  }

  /** One scan at a time; a store that does not answer is tried again at the next one. */
  takeOverExpired(): Promise<void> {
    this.scanning ??= this.scan()
      .catch((error) => this.logger.warn(`Looking for runs to resume failed: ${(error as Error).message}`))
      .finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  /**
   * Takes one run over if it is unfinished, not worked here, and its lease is free (its holder died
   * or gave it back); false otherwise. A run whose cancel was requested then ends cancelled at once.
   */
  async takeOver(listed: RunMeta): Promise<boolean> {
    if (!isLive(listed.status) || this.scheduler.isActive(listed.id)) return false;
    const fence = await this.scheduler.claim(listed.id);
    if (fence === undefined) return false; // its owner is alive
    try {
      // Read again under the lease: its holder may have ended it, and given the lease back, since it was listed.
      const meta = await this.store.getRun(listed.id);
      if (!meta || !isLive(meta.status)) {
        await this.scheduler.unclaim(listed.id, fence);
        return false;
      }
      await this.resume(meta, fence);
      return true;
    } catch (error) {
      await this.scheduler.unclaim(listed.id, fence);
      throw error;
    }
  }

  private async scan(): Promise<void> {
    for (const meta of await this.store.listRuns()) await this.takeOver(meta);
  }

  /**
   * Pending and running executions run again, each after the nodes it had already completed (their
   * stored results), so no node that finished runs twice.
   */
  private async resume(meta: RunMeta, fence: number): Promise<void> {
    const executions = await this.store.getExecutions(meta.id);
    const unfinished = executions.filter((e) => e.status === 'pending' || e.status === 'running');
    for (const execution of unfinished) execution.status = 'pending';
    const users = (await this.store.getUsers(unfinished.map((e) => e.userId))).filter((u): u is BatchUser => !!u);
    const waiting = new Set(unfinished.map((e) => e.userId));
    const resumable = new Map<string, NodeResult[]>();
    for (const result of await this.store.getResults(meta.id)) {
      if (waiting.has(result.userId)) resumable.set(result.userId, [...(resumable.get(result.userId) ?? []), result]);
    }
    this.logger.log(`Resuming run ${meta.id}: ${unfinished.length} unfinished execution(s)`);
    this.scheduler.launch(fence, meta, executions, users, resumable);
  }
}
