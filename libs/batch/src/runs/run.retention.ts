import { Inject, Injectable } from '@nestjs/common';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchStore } from '../store/batch-store.interface';
import { RunScheduler } from './run.scheduler';

/** Keeps the newest `batch.retention_runs` runs; older ones that are not active go with their results. */
@Injectable()
export class RunRetention {
  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    private readonly scheduler: RunScheduler,
  ) {}

  async pruneOldRuns(): Promise<void> {
    const runs = await this.store.listRuns();
    for (const old of runs.slice(this.config.settings.retention_runs)) {
      if (!this.scheduler.isActive(old.id)) await this.store.deleteRun(old.id);
    }
  }
}
