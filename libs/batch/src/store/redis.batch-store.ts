import Redis from 'ioredis';
import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { BatchStore } from './batch-store.interface';
import { BatchUser, ExecutionRecord, NodeResult, RunMeta } from './batch-records';

/**
 * Batch data in Redis, so it survives restarts and is shared by every server on the same Redis.
 * Keys (all under the prefix): `users`, `workflows`, `runs` (hashes of JSON), `runs:index` (sorted by
 * creation), and per run `run:<id>:executions` / `run:<id>:results` (hashes keyed by user / `${userId}-${nodeId}`).
 */
export class RedisBatchStore implements BatchStore {
  private constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Connects and checks the server answers; a clear error names the URL (without its password) otherwise. */
  static async connect(url: string, prefix: string): Promise<RedisBatchStore> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true });
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw new Error(`batch.store is redis but Redis at ${redactUrl(url)} does not answer: ${(error as Error).message}`);
    }
    return new RedisBatchStore(redis, prefix);
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  async listUsers(): Promise<BatchUser[]> {
    return parseAll(Object.values(await this.redis.hgetall(this.key('users'))));
  }

  async getUsers(ids: string[]): Promise<(BatchUser | undefined)[]> {
    if (ids.length === 0) return [];
    return (await this.redis.hmget(this.key('users'), ...ids)).map((json) => (json ? JSON.parse(json) : undefined));
  }

  async countUsers(): Promise<number> {
    return this.redis.hlen(this.key('users'));
  }

  async putUsers(users: BatchUser[]): Promise<void> {
    if (users.length === 0) return;
    await this.redis.hset(this.key('users'), Object.fromEntries(users.map((user) => [user.id, JSON.stringify(user)])));
  }

  async deleteUser(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key('users'), id)) > 0;
  }

  async listWorkflows(): Promise<BatchWorkflowDefinition[]> {
    return parseAll(Object.values(await this.redis.hgetall(this.key('workflows'))));
  }

  async getWorkflow(id: string): Promise<BatchWorkflowDefinition | undefined> {
    const json = await this.redis.hget(this.key('workflows'), id);
    return json ? JSON.parse(json) : undefined;
  }

  async putWorkflow(workflow: BatchWorkflowDefinition): Promise<void> {
    await this.redis.hset(this.key('workflows'), workflow.id, JSON.stringify(workflow));
  }

  async deleteWorkflow(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key('workflows'), id)) > 0;
  }

  async listRuns(): Promise<RunMeta[]> {
    const ids = await this.redis.zrevrange(this.key('runs:index'), 0, -1);
    if (ids.length === 0) return [];
    return (await this.redis.hmget(this.key('runs'), ...ids)).filter((json): json is string => !!json).map((json) => JSON.parse(json));
  }

  async getRun(id: string): Promise<RunMeta | undefined> {
    const json = await this.redis.hget(this.key('runs'), id);
    return json ? JSON.parse(json) : undefined;
  }

  async putRun(run: RunMeta): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key('runs'), run.id, JSON.stringify(run))
      .zadd(this.key('runs:index'), Date.parse(run.createdAt), run.id)
      .exec();
  }

  async deleteRun(id: string): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.key('runs'), id)
      .zrem(this.key('runs:index'), id)
      .del(this.key('run', id, 'executions'), this.key('run', id, 'results'))
      .exec();
  }

  async getExecutions(runId: string): Promise<ExecutionRecord[]> {
    return parseAll(Object.values(await this.redis.hgetall(this.key('run', runId, 'executions'))));
  }

  async putExecutions(runId: string, executions: ExecutionRecord[]): Promise<void> {
    if (executions.length === 0) return;
    await this.redis.hset(
      this.key('run', runId, 'executions'),
      Object.fromEntries(executions.map((execution) => [execution.userId, JSON.stringify(execution)])),
    );
  }

  async getResults(runId: string): Promise<NodeResult[]> {
    return parseAll(Object.values(await this.redis.hgetall(this.key('run', runId, 'results'))));
  }

  async putResult(runId: string, result: NodeResult): Promise<void> {
    await this.redis.hset(this.key('run', runId, 'results'), `${result.userId}-${result.nodeId}`, JSON.stringify(result));
  }

  async clearResults(runId: string, userId: string): Promise<void> {
    // Keys are `${userId}-${nodeId}` and ids may contain '-', so match on the stored userId.
    const mine = (await this.getResults(runId)).filter((result) => result.userId === userId);
    if (mine.length > 0) await this.redis.hdel(this.key('run', runId, 'results'), ...mine.map((r) => `${r.userId}-${r.nodeId}`));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function parseAll<T>(values: string[]): T[] {
  return values.map((json) => JSON.parse(json) as T);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
