import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { NOTHING_HELD, RunAdmission } from '@userscope/runtime';
import { BudgetUnavailableError } from './budget-exceeded.exception';
import { ConcurrentRunsExceededError } from './concurrent-runs.exception';
import { RUN_SLOTS } from './limits.constants';
import { RunSlots } from './run-slots.interface';
import { UserBudget } from './user.budget';

/** At most one warning this often while the limits cannot be read. */
const WARN_EVERY_MS = 60_000;

/**
 * `concurrent_runs` (`general.limits`, a group's, a user's own): how many runs of one user may be
 * in flight at once. The runtime asks before each run (a request of the workflow, a batch
 * execution); over the cap it is refused with 429 `rate_limited`, a store that does not answer
 * with 503 `budget_unavailable` (unless only users' own limits set a cap: then the run goes on
 * uncounted, logged). A slot is given back when its run ends, however it ends.
 */
@Injectable()
export class UserRunAdmission implements RunAdmission, OnApplicationShutdown {
  private readonly logger = new Logger('Limits');
  private warnedAt = -Infinity;

  constructor(
    private readonly budget: UserBudget,
    @Inject(RUN_SLOTS) private readonly slots: RunSlots,
  ) {}

  admit(userId: string): (() => void) | Promise<() => void> {
    // Nothing in the config caps runs and the user's own limits are known to set none: no wait, no slot.
    if (!this.budget.configuresConcurrentRuns) {
      const own = this.budget.overrides.known(userId);
      if (own && own.override?.concurrent_runs === undefined) return NOTHING_HELD;
    }
    return this.admitCounted(userId);
  }

  private async admitCounted(userId: string): Promise<() => void> {
    let max: number | undefined;
    try {
      max = (await this.budget.limitsOf(userId)).concurrent_runs;
    } catch (error) {
      // Only a user's own limits could cap them: their store being away does not stop every run of every user.
      if (!this.budget.configuresConcurrentRuns) return this.admitUncounted(userId, error as Error);
      throw new BudgetUnavailableError(this.slots.name, (error as Error).message);
    }
    if (max === undefined) return NOTHING_HELD;
    let taken;
    try {
      taken = await this.slots.take(userId, max);
    } catch (error) {
      throw new BudgetUnavailableError(this.slots.name, (error as Error).message);
    }
    if (!('slot' in taken)) throw new ConcurrentRunsExceededError(userId, max);
    const { slot } = taken;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.slots.give(userId, slot).catch((error: Error) => {
        // Its lease frees it (Redis), so the user is not held for ever.
        this.logger.warn(`A run slot of user '${userId}' could not be given back (${this.slots.name}: ${error.message})`);
      });
    };
  }

  private admitUncounted(userId: string, error: Error): () => void {
    const now = performance.now();
    if (now - this.warnedAt >= WARN_EVERY_MS) {
      this.warnedAt = now;
      this.logger.warn(`Users' own limits could not be read (${this.slots.name}: ${error.message}); runs are admitted without counting them against a concurrent_runs of their own until it answers (first: user '${userId}')`);
    }
    return NOTHING_HELD;
  }

  /** How many of `userId`'s runs are in flight now (every process on the shared Redis). */
  running(userId: string): Promise<number> {
    return this.slots.running(userId);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.slots.close();
  }
}
