import { UserBudget, UserRunAdmission } from '@userscope/llm';
import { UserMonitorBudget } from './dto/users-monitor.dto';

/**
 * The monitor's `budget` block of `userId`: what is left of each budget and their runs in flight
 * (counted only against a `concurrent_runs`);
 * undefined when no budget and no `concurrent_runs` applies to them. A store that does not answer is
 * said in the block (`error`), so that the rest of the monitor still answers.
 */
export async function userMonitorBudget(userId: string, budget: UserBudget, runs: UserRunAdmission): Promise<UserMonitorBudget | undefined> {
  let concurrentRuns: number | undefined;
  try {
    concurrentRuns = (await budget.limitsOf(userId)).concurrent_runs;
    const [remaining, running] = await Promise.all([budget.remaining(userId), concurrentRuns === undefined ? 0 : runs.running(userId)]);
    if (remaining.length === 0 && concurrentRuns === undefined) return undefined;
    return { remaining, ...(concurrentRuns === undefined ? {} : { concurrent_runs: concurrentRuns }), runs_in_flight: running };
  } catch (error) {
    return { remaining: [], ...(concurrentRuns === undefined ? {} : { concurrent_runs: concurrentRuns }), runs_in_flight: 0, error: (error as Error).message };
  }
}
