import { Injectable } from '@nestjs/common';
import { LoopYielder } from '../event-loop/loop.yielder';
import { sortYielding } from '../event-loop/yielding.sort';
import { ExecutionRecord } from '../store/batch-records';

const byName = new Intl.Collator(undefined, { numeric: true });

/** Runs whose order is kept; a page of an older one sorts it again. */
const KEPT_RUNS = 16;

/** Executions handled between two looks at the clock. */
const CHECK_EVERY = 1024;

/**
 * A run's executions in one order whatever the store (a Redis hash keeps none): by user name, then
 * id, as the directory lists users. A run's executions never change users once it has started, so
 * each user's position is found once per run (without holding the event loop), and a page is the
 * executions placed at its positions, in slices of the event loop, with no copy of the whole run.
 */
@Injectable()
export class ExecutionOrder {
  /** Per run: each user's position in the run's order. */
  private readonly positions = new Map<string, Map<string, number>>();

  /** Every one of a run's executions, in the run's order. */
  ordered(runId: string, executions: readonly ExecutionRecord[]): Promise<ExecutionRecord[]> {
    return this.page(runId, executions, 0, executions.length);
  }

  /** The executions at positions `offset` to `offset + limit` of the run's order. */
  async page(runId: string, executions: readonly ExecutionRecord[], offset: number, limit: number): Promise<ExecutionRecord[]> {
    const slices = new LoopYielder();
    const positions = await this.positionsOf(runId, executions, slices);
    const page = new Array<ExecutionRecord>(Math.max(0, Math.min(offset + limit, executions.length) - offset));
    let seen = 0;
    for (const execution of executions) {
      const at = positions.get(execution.userId)! - offset;
      if (at >= 0 && at < page.length) page[at] = execution;
      if (++seen % CHECK_EVERY === 0) await slices.yieldIfDue();
    }
    return page;
  }

  private async positionsOf(runId: string, executions: readonly ExecutionRecord[], slices: LoopYielder): Promise<Map<string, number>> {
    let positions = this.positions.get(runId);
    if (!positions || !(await coversExactly(positions, executions, slices))) {
      const sorted = await sortYielding(executions, (a, b) => byName.compare(a.userName, b.userName) || byName.compare(a.userId, b.userId), slices);
      positions = new Map();
      for (const [at, execution] of sorted.entries()) {
        positions.set(execution.userId, at);
        if (at % CHECK_EVERY === 0) await slices.yieldIfDue();
      }
    }
    this.positions.delete(runId); // re-inserted as the newest
    this.positions.set(runId, positions);
    if (this.positions.size > KEPT_RUNS) this.positions.delete(this.positions.keys().next().value!);
    return positions;
  }
}

/** Whether `positions` has exactly the users of `executions` (one execution per user in a run). */
async function coversExactly(positions: Map<string, number>, executions: readonly ExecutionRecord[], slices: LoopYielder): Promise<boolean> {
  if (positions.size !== executions.length) return false;
  let seen = 0;
  for (const execution of executions) {
    if (!positions.has(execution.userId)) return false;
    if (++seen % CHECK_EVERY === 0) await slices.yieldIfDue();
  }
  return true;
}
