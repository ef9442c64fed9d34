import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { StaleLeaseError } from '../exceptions/stale-lease.exception';
import { BatchStore } from './batch-store.interface';
import { BatchUser, ExecutionRecord, isLive, NodeResult, RunMeta } from './batch-records';
import { eachYielding, mapYielding } from '../event-loop/yielding.map';

/**
 * The in-process store: nothing to run, nothing kept across restarts. Copies in and out, like a real
 * store; flat records (executions, results of text) by a shallow copy, which shares their strings
 * instead of duplicating them as a deep clone would: a 100,000-user run keeps hundreds of thousands.
 */
export class MemoryBatchStore implements BatchStore {
  readonly name = 'memory';
  private readonly users = new Map<string, BatchUser>();
  private readonly workflows = new Map<string, BatchWorkflowDefinition>();
  private readonly runs = new Map<string, RunMeta>();
  private readonly executions = new Map<string, Map<string, ExecutionRecord>>();
  /** Per run, per user: the results of the nodes that user's execution completed. */
  private readonly results = new Map<string, Map<string, NodeResult[]>>();
  /** Per run: the newest fencing token issued, and until when its lease holds. */
  private readonly leases = new Map<string, { fence: number; expiresAt: number }>();
  /** Runs whose cancel is requested, and who hears of it. */
  private readonly cancelRequests = new Set<string>();
  private readonly cancelListeners: ((runId: string) => void)[] = [];

  async ping(): Promise<void> {}

  async listUsers(): Promise<BatchUser[]> {
    return copyAll(this.users.values(), copyRecord);
  }

  async getUsers(ids: string[]): Promise<(BatchUser | undefined)[]> {
    return mapYielding(ids, (id) => {
      const user = this.users.get(id);
      return user && copyRecord(user);
    });
  }

  async countUsers(): Promise<number> {
    return this.users.size;
  }

  async putUsers(users: BatchUser[]): Promise<void> {
    await eachYielding(users, (user) => this.users.set(user.id, copyRecord(user)));
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.users.delete(id);
  }

  async listWorkflows(): Promise<BatchWorkflowDefinition[]> {
    return [...this.workflows.values()].map(copy);
  }

  async getWorkflow(id: string): Promise<BatchWorkflowDefinition | undefined> {
    const found = this.workflows.get(id);
    return found && copy(found);
  }

  async putWorkflow(workflow: BatchWorkflowDefinition): Promise<void> {
    this.workflows.set(workflow.id, copy(workflow));
  }

  async deleteWorkflow(id: string): Promise<boolean> {
    return this.workflows.delete(id);
  }

  async acquireLease(runId: string, ttlMs: number): Promise<number | undefined> {
    const lease = this.leases.get(runId);
    if (lease && lease.expiresAt > Date.now()) return undefined;
    const fence = (lease?.fence ?? 0) + 1;
    this.leases.set(runId, { fence, expiresAt: Date.now() + ttlMs });
    return fence;
  }

  async renewLease(runId: string, fence: number, ttlMs: number): Promise<boolean> {
    const lease = this.leases.get(runId);
    if (lease?.fence !== fence) return false;
    lease.expiresAt = Date.now() + ttlMs;
    return true;
  }

  async releaseLease(runId: string, fence: number): Promise<void> {
    const lease = this.leases.get(runId);
    if (lease?.fence === fence) lease.expiresAt = 0;
  }

  async requestCancel(runId: string): Promise<boolean> {
    const run = this.runs.get(runId);
    if (!run || !isLive(run.status)) return false;
    this.cancelRequests.add(runId);
    // Announced after this call returns, as a message from Redis would be.
    for (const listener of this.cancelListeners) setImmediate(listener, runId);
    return true;
  }

  async isCancelRequested(runId: string): Promise<boolean> {
    return this.cancelRequests.has(runId);
  }

  async onCancelRequested(listener: (runId: string) => void): Promise<void> {
    this.cancelListeners.push(listener);
  }

  async listRuns(): Promise<RunMeta[]> {
    return [...this.runs.values()].map(copy).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  async getRun(id: string): Promise<RunMeta | undefined> {
    const found = this.runs.get(id);
    return found && copy(found);
  }

  async putRun(run: RunMeta, fence: number): Promise<void> {
    this.checkFence(run.id, fence);
    this.runs.set(run.id, copy(run));
    if (!isLive(run.status)) this.cancelRequests.delete(run.id);
  }

  async deleteRun(id: string): Promise<void> {
    this.runs.delete(id);
    this.executions.delete(id);
    this.results.delete(id);
    this.leases.delete(id);
    this.cancelRequests.delete(id);
  }

  async getExecutions(runId: string): Promise<ExecutionRecord[]> {
    return copyAll(this.executions.get(runId)?.values() ?? [], copyFlat);
  }

  async putExecutions(runId: string, executions: ExecutionRecord[], fence: number): Promise<void> {
    this.checkFence(runId, fence);
    const byUser = this.executions.get(runId) ?? new Map<string, ExecutionRecord>();
    // A run writes each execution's changes one at a time (twice an execution): those need no slices of the loop.
    if (executions.length === 1) byUser.set(executions[0].userId, copyFlat(executions[0]));
    else await eachYielding(executions, (execution) => byUser.set(execution.userId, copyFlat(execution)));
    this.executions.set(runId, byUser);
  }

  async getResults(runId: string): Promise<NodeResult[]> {
    return copyAll(flat(this.results.get(runId)?.values() ?? []), copyResult);
  }

  async putResult(runId: string, result: NodeResult, fence: number): Promise<void> {
    this.checkFence(runId, fence);
    const byUser = this.results.get(runId) ?? new Map<string, NodeResult[]>();
    this.results.set(runId, byUser);
    const stored = byUser.get(result.userId) ?? [];
    byUser.set(result.userId, [...stored.filter((other) => other.nodeId !== result.nodeId), copyResult(result)]);
  }

  async clearResults(runId: string, userId: string, fence: number): Promise<void> {
    this.checkFence(runId, fence);
    this.results.get(runId)?.delete(userId);
  }

  async close(): Promise<void> {}

  private checkFence(runId: string, fence: number): void {
    if (this.leases.get(runId)?.fence !== fence) throw new StaleLeaseError(runId);
  }
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

/** A record whose fields are all primitives. */
function copyFlat<T extends object>(record: T): T {
  return { ...record };
}

/** A record copied shallowly when its fields are all primitives (a directory user, as a rule), deeply otherwise. */
function copyRecord<T extends object>(record: T): T {
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'object' && value !== null) return copy(record);
  }
  return copyFlat(record);
}

/** A node's result: its content is deep-copied when it is structured. */
function copyResult(result: NodeResult): NodeResult {
  return typeof result.content === 'object' && result.content !== null ? { ...result, content: copy(result.content) } : { ...result };
}

function* flat<T>(lists: Iterable<T[]>): Iterable<T> {
  for (const list of lists) yield* list;
}

/** Copies of `values`; 100,000 copies take long enough to hold the event loop, so in slices of it. */
function copyAll<T>(values: Iterable<T>, copyOne: (value: T) => T = copy): Promise<T[]> {
  return mapYielding(values, copyOne);
}
