import { Injectable } from '@nestjs/common';
import { sortYielding } from '../event-loop/yielding.sort';
import { ExecutionRecord } from '../store/batch-records';

const byName = new Intl.Collator(undefined, { numeric: true });

/** Runs whose order is kept; a page of an older one sorts it again. */
const KEPT_RUNS = 16;

/**
 * A run's executions in one order whatever the store (a Redis hash keeps none): by user name, then
 * id, as the directory lists users. A run's executions never change users once it has started, so
 * the order is sorted once per run (without holding the event loop) and pages are slices of it.
 */
@Injectable()
export class ExecutionOrder {
  private readonly orders = new Map<string, string[]>();

  async ordered(runId: string, executions: ExecutionRecord[]): Promise<ExecutionRecord[]> {
    const byUser = new Map(executions.map((execution) => [execution.userId, execution]));
    let order = this.orders.get(runId);
    if (!order || order.length !== byUser.size || !order.every((userId) => byUser.has(userId))) {
      const sorted = await sortYielding(executions, (a, b) => byName.compare(a.userName, b.userName) || byName.compare(a.userId, b.userId));
      order = sorted.map((execution) => execution.userId);
    }
    this.orders.delete(runId); // re-inserted as the newest
    this.orders.set(runId, order);
    if (this.orders.size > KEPT_RUNS) this.orders.delete(this.orders.keys().next().value!);
    return order.map((userId) => byUser.get(userId)!);
  }
}
