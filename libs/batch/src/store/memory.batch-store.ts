import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { StaleLeaseError } from '../exceptions/stale-lease.exception';
import { BatchStore } from './batch-store.interface';
import { BatchUser, ExecutionRecord, isLive, NodeResult, RunMeta } from './batch-records';
import { LoopYielder } from '../event-loop/loop.yielder';

/** The in-process store: nothing to run, nothing kept across restarts. Copies in and out, like a real store. */
export class MemoryBatchStore implements BatchStore {
  readonly name = 'memory';
  private readonly users = new Map<string, BatchUser>();
  private readonly workflows = new Map<string, BatchWorkflowDefinition>();
  private readonly runs = new Map<string, RunMeta>();
  private readonly executions = new Map<string, Map<string, ExecutionRecord>>();
  private readonly results = new Map<string, Map<string, NodeResult>>();
  /** Per run: the newest fencing token issued, and until when its lease holds. */
  private readonly leases = new Map<string, { fence: number; expiresAt: number }>();
  /** Runs whose cancel is requested, and who hears of it. */
  private readonly cancelRequests = new Set<string>();
  private readonly cancelListeners: ((runId: string) => void)[] = [];

  async ping(): Promise<void> {}

  async listUsers(): Promise<BatchUser[]> {
    return copyAll(this.users.values());
  }

  async getUsers(ids: string[]): Promise<(BatchUser | undefined)[]> {
    return ids.map((id) => this.users.get(id)).map((user) => user && copy(user));
  }

  async countUsers(): Promise<number> {
    return this.users.size;
  }

  async putUsers(users: BatchUser[]): Promise<void> {
    for (const user of await copyAll(users)) this.users.set(user.id, user);
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
    return copyAll(this.executions.get(runId)?.values() ?? []);
  }

  async putExecutions(runId: string, executions: ExecutionRecord[], fence: number): Promise<void> {
    this.checkFence(runId, fence);
    const byUser = this.executions.get(runId) ?? new Map<string, ExecutionRecord>();
    for (const execution of await copyAll(executions)) byUser.set(execution.userId, execution);
    this.executions.set(runId, byUser);
  }

  async getResults(runId: string): Promise<NodeResult[]> {
    return copyAll(this.results.get(runId)?.values() ?? []);
  }

  async putResult(runId: string, result: NodeResult, fence: number): Promise<void> {
    this.checkFence(runId, fence);
    const byKey = this.results.get(runId) ?? new Map<string, NodeResult>();
    byKey.set(`${result.userId}-${result.nodeId}`, copy(result));
    this.results.set(runId, byKey);
  }

  async clearResults(runId: string, userId: string, fence: number): Promise<void> {
    this.checkFence(runId, fence);
    const byKey = this.results.get(runId);
    if (!byKey) return;
    for (const [key, result] of byKey) if (result.userId === userId) byKey.delete(key);
  }

  async close(): Promise<void> {}

  private checkFence(runId: string, fence: number): void {
    if (this.leases.get(runId)?.fence !== fence) throw new StaleLeaseError(runId);
  }
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

/** Copies of `values`; 100,000 copies take long enough to hold the event loop, so in slices of it. */
async function copyAll<T>(values: Iterable<T>): Promise<T[]> {
  const slices = new LoopYielder();
  const copies: T[] = [];
  for (const value of values) {
    copies.push(copy(value));
    if ((copies.length & 255) === 0) await slices.yieldIfDue();
  }
  return copies;
}
