import { toMilliseconds } from '@userscope/runtime';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { notFound } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { isLive, RunMeta } from '../store/batch-records';
import { RunRecovery } from './run.recovery';
import { RunScheduler, RunSnapshot } from './run.scheduler';

/** How often a cancel sent to a server that does not work the run looks whether the run has ended. */
const END_POLL_MS = 25;

/**
 * Cancels a run on whichever server works it. A run worked here stops at once. For one worked by
 * another server on the same store, the cancel is recorded with the run and announced to every
 * server; its holder stops as it hears it, or at its next heartbeat if it missed the announcement.
 * A run whose holder has died is ended by whoever takes it over (this server first, as soon as its
 * lease is free) instead of being resumed.
 */
@Injectable()
export class RunCancellation implements OnApplicationBootstrap {
  private readonly logger = new Logger('BatchRuns');

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly scheduler: RunScheduler,
    private readonly recovery: RunRecovery,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // A request for a run not worked here finds nothing to stop: cancel() is a no-op then.
    await this.store
      .onCancelRequested((runId) => void this.scheduler.cancel(runId).catch(() => undefined))
      .catch((error) => this.logger.warn(`Not hearing cancel requests (${(error as Error).message}); runs find them at their heartbeat`));
  }

  /**
   * Cancels a run and answers it as it stands then: ended `cancelled` (or as it ended, when it had
   * ended first), or, when its holder has not ended it within a store command's time (it stalls, or
   * died with its lease not yet expired), `cancelled` over its stored state, which the holder or its
   * successor then brings into line. Undefined when the run had already ended.
   */
  async cancel(runId: string): Promise<RunSnapshot | undefined> {
    const here = await this.scheduler.cancel(runId);
    if (here) return here;
    const meta = await this.store.getRun(runId);
    if (!meta) throw notFound(BatchMessages.noRun(runId));
    if (!isLive(meta.status) || !(await this.store.requestCancel(runId))) return undefined;
    return this.untilEnded(meta);
  }

  /** Polls the store until the run has ended, taking it over when its lease is free; bounded by a store command's time. */
  private async untilEnded(requested: RunMeta): Promise<RunSnapshot> {
    const deadline = Date.now() + toMilliseconds(this.config.settings.redis_command_timeout);
    let meta = requested;
    while (isLive(meta.status) && Date.now() < deadline) {
      // Nobody holds it (its server died): taken over here, it ends cancelled as it starts.
      await this.recovery.takeOver(meta);
      await new Promise((resolve) => setTimeout(resolve, END_POLL_MS));
      const fresh = await this.store.getRun(meta.id);
      if (!fresh) throw notFound(BatchMessages.noRun(meta.id)); // deleted meanwhile
      meta = fresh;
    }
    const executions = await this.store.getExecutions(meta.id);
    return { meta: isLive(meta.status) ? { ...meta, status: 'cancelled' } : meta, executions };
  }
}
