import { Logger } from '@nestjs/common';
import Redis, { ReplyError } from 'ioredis';
import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { StaleLeaseError } from '../exceptions/stale-lease.exception';
import { StoreUnavailableError } from '../exceptions/store-unavailable.exception';
import { BatchMessages } from '../batch.messages';
import { BatchStore } from './batch-store.interface';
import type { RunEvent } from '../api/runs.types';
import { StaleClaimError } from '../exceptions/stale-claim.exception';
import { BatchUser, ExecutionRecord, ExecutionStatus, isLive, NodeResult, RunMeta } from './batch-records';
import { OpenedClaim, QueuedExecutionStore } from './queued-execution-store.interface';
import { RedisScripts } from './redis.scripts';

/** Field/value pairs per fenced write: Lua's `unpack` is bounded, a 100k-user run is not. */
const PAIRS_PER_WRITE = 1000;

type FencedRedis = Redis & {
  acquireLease(lease: string, fence: string, ttlMs: number): Promise<number>;
  renewLease(lease: string, fence: string, token: number, ttlMs: number): Promise<number>;
  releaseLease(lease: string, token: number): Promise<number>;
  fencedWrite(fence: string, hash: string, token: number, command: 'HSET' | 'HDEL', ...args: string[]): Promise<number>;
  putRun(fence: string, runs: string, cancel: string, token: number, runId: string, json: string, ended: 0 | 1): Promise<number>;
  requestCancel(runs: string, cancel: string, runId: string, channel: string): Promise<number>;
  putClaimedExecution(claims: string, executions: string, userId: string, token: number, json: string, channel: string, event: string): Promise<number>;
  putClaimedResult(claims: string, results: string, userId: string, token: number, key: string, json: string): Promise<number>;
  openClaim(runs: string, claims: string, executions: string, cancel: string, users: string, results: string, runId: string, userId: string): Promise<OpenClaimReply>;
};

/** The openClaim script's reply: the run only (deleted: false; ended), or everything a job starts from. */
type OpenClaimReply = [string | null] | [string, number, string | null, number, string | null, (string | null)[]];

/** Options of the Redis connection. */
export interface RedisStoreOptions {
  /** A command without an answer after this many ms fails, rather than waiting on a stalled server. */
  commandTimeoutMs: number;
  /** `close()` waits this long for Redis to answer QUIT, then drops the connection. */
  closeTimeoutMs: number;
}

/**
 * Batch data in Redis, so it survives restarts and is shared by every server on the same Redis.
 * Keys (all under the prefix): `users`, `workflows`, `runs` (hashes of JSON), `runs:index` (sorted by
 * creation), and per run `run:<id>:executions` / `run:<id>:results` (hashes keyed by user /
 * `${userId}-${nodeId}`) and `run:<id>:lease` / `run:<id>:fence` / `run:<id>:cancel` (see
 * `RedisScripts`). Cancel requests are announced on the channel `cancel-requests` (under the prefix),
 * which a second connection, made on the first `onCancelRequested`, listens to.
 */
export class RedisBatchStore implements BatchStore, QueuedExecutionStore {
  private readonly logger = new Logger('BatchStore');
  private down = false;
  /** The connection in subscriber mode, for cancel announcements and runs' events. */
  private subscriber?: Redis;
  /** Who follows each run's event channel in this process. */
  private readonly runFollowers = new Map<string, Set<(event: RunEvent) => void>>();

  private constructor(
    private readonly redis: FencedRedis,
    private readonly prefix: string,
    readonly name: string,
    private readonly closeTimeoutMs: number,
  ) {
    // Without a listener, ioredis prints "Unhandled error event" on every failed reconnect.
    redis.on('error', (error: Error) => {
      if (!this.down) this.logger.warn(`${this.name} does not answer (${error.message}); batch runs wait for it`);
      this.down = true;
    });
    redis.on('ready', () => {
      if (this.down) this.logger.log(`${this.name} answers again`);
      this.down = false;
    });
  }

  /** Connects and checks the server answers; a clear error names the URL (without its password) otherwise. */
  static async connect(url: string, prefix: string, options: RedisStoreOptions): Promise<RedisBatchStore> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true, commandTimeout: options.commandTimeoutMs });
    for (const [name, script] of Object.entries(RedisScripts)) redis.defineCommand(name, script);
    const store = new RedisBatchStore(redis as FencedRedis, prefix, `redis at ${hostOf(url)}`, options.closeTimeoutMs);
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      redis.disconnect();
      throw new Error(`batch.store is redis but Redis at ${redactUrl(url)} does not answer: ${(error as Error).message}`);
    }
    return store;
  }

  private key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  private get cancelChannel(): string {
    return this.key('cancel-requests');
  }

  @storeCall
  async ping(): Promise<void> {
    await this.redis.ping();
  }

  @storeCall
  async listUsers(): Promise<BatchUser[]> {
    return parseAll(Object.values(await this.redis.hgetall(this.key('users'))));
  }

  @storeCall
  async getUsers(ids: string[]): Promise<(BatchUser | undefined)[]> {
    if (ids.length === 0) return [];
    return (await this.redis.hmget(this.key('users'), ...ids)).map((json) => (json ? JSON.parse(json) : undefined));
  }

  @storeCall
  async countUsers(): Promise<number> {
    return this.redis.hlen(this.key('users'));
  }

  @storeCall
  async putUsers(users: BatchUser[]): Promise<void> {
    if (users.length === 0) return;
    await this.redis.hset(this.key('users'), Object.fromEntries(users.map((user) => [user.id, JSON.stringify(user)])));
  }

  @storeCall
  async deleteUser(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key('users'), id)) > 0;
  }

  @storeCall
  async listWorkflows(): Promise<BatchWorkflowDefinition[]> {
    return parseAll(Object.values(await this.redis.hgetall(this.key('workflows'))));
  }

  @storeCall
  async getWorkflow(id: string): Promise<BatchWorkflowDefinition | undefined> {
    const json = await this.redis.hget(this.key('workflows'), id);
    return json ? JSON.parse(json) : undefined;
  }

  @storeCall
  async putWorkflow(workflow: BatchWorkflowDefinition): Promise<void> {
    await this.redis.hset(this.key('workflows'), workflow.id, JSON.stringify(workflow));
  }

  @storeCall
  async deleteWorkflow(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.key('workflows'), id)) > 0;
  }

  @storeCall
  async acquireLease(runId: string, ttlMs: number): Promise<number | undefined> {
    const fence = await this.redis.acquireLease(this.key('run', runId, 'lease'), this.key('run', runId, 'fence'), ttlMs);
    return fence > 0 ? fence : undefined;
  }

  @storeCall
  async renewLease(runId: string, fence: number, ttlMs: number): Promise<boolean> {
    return (await this.redis.renewLease(this.key('run', runId, 'lease'), this.key('run', runId, 'fence'), fence, ttlMs)) === 1;
  }

  @storeCall
  async releaseLease(runId: string, fence: number): Promise<void> {
    await this.redis.releaseLease(this.key('run', runId, 'lease'), fence);
  }

  @storeCall
  async requestCancel(runId: string): Promise<boolean> {
    return (await this.redis.requestCancel(this.key('runs'), this.key('run', runId, 'cancel'), runId, this.cancelChannel)) === 1;
  }

  @storeCall
  async isCancelRequested(runId: string): Promise<boolean> {
    return (await this.redis.exists(this.key('run', runId, 'cancel'))) === 1;
  }

  @storeCall
  async onCancelRequested(listener: (runId: string) => void): Promise<void> {
    const channel = this.cancelChannel;
    this.subscribed().on('message', (from: string, runId: string) => {
      if (from === channel) listener(runId);
    });
    await this.subscribed().subscribe(channel);
  }

  @storeCall
  async openClaim(runId: string, userId: string): Promise<OpenedClaim> {
    const run = (part: string) => this.key('run', runId, part);
    const reply = await this.redis.openClaim(this.key('runs'), run('claims'), run('executions'), run('cancel'), this.key('users'), run('results'), runId, userId);
    const meta: RunMeta | undefined = reply[0] ? JSON.parse(reply[0]) : undefined;
    if (reply.length === 1) return { run: meta };
    const [, token, execution, cancel, user, results] = reply;
    return {
      run: meta,
      claim: {
        token,
        execution: execution ? JSON.parse(execution) : undefined,
        cancelRequested: cancel === 1,
        user: user ? JSON.parse(user) : undefined,
        results: results.filter((json): json is string => !!json).map((json) => JSON.parse(json) as NodeResult),
      },
    };
  }

  @storeCall
  async getExecution(runId: string, userId: string): Promise<ExecutionRecord | undefined> {
    const json = await this.redis.hget(this.key('run', runId, 'executions'), userId);
    return json ? JSON.parse(json) : undefined;
  }

  @storeCall
  async getExecutionStatuses(runId: string, userIds: string[]): Promise<(ExecutionStatus | undefined)[]> {
    if (userIds.length === 0) return [];
    const found = await this.redis.hmget(this.key('run', runId, 'executions'), ...userIds);
    return found.map((json) => (json ? (JSON.parse(json) as ExecutionRecord).status : undefined));
  }

  @storeCall
  async putClaimedExecution(runId: string, execution: ExecutionRecord, token: number): Promise<boolean> {
    const event: RunEvent = { type: 'execution', data: execution };
    const written = await this.redis.putClaimedExecution(
      this.key('run', runId, 'claims'), this.key('run', runId, 'executions'),
      execution.userId, token, JSON.stringify(execution), this.runChannel(runId), JSON.stringify(event),
    );
    if (written === -1) throw new StaleClaimError(runId, execution.userId);
    return written === 1;
  }

  @storeCall
  async putClaimedResult(runId: string, result: NodeResult, token: number): Promise<void> {
    const key = `${result.userId}-${result.nodeId}`;
    const written = await this.redis.putClaimedResult(this.key('run', runId, 'claims'), this.key('run', runId, 'results'), result.userId, token, key, JSON.stringify(result));
    if (written === -1) throw new StaleClaimError(runId, result.userId);
  }

  @storeCall
  async publishRunEvent(runId: string, event: RunEvent): Promise<void> {
    await this.redis.publish(this.runChannel(runId), JSON.stringify(event));
  }

  @storeCall
  async followRunEvents(runId: string, listener: (event: RunEvent) => void): Promise<() => void> {
    let followers = this.runFollowers.get(runId);
    if (!followers) {
      followers = new Set();
      this.runFollowers.set(runId, followers);
      await this.subscribed().subscribe(this.runChannel(runId));
    }
    followers.add(listener);
    return () => {
      followers.delete(listener);
      if (followers.size > 0 || this.runFollowers.get(runId) !== followers) return;
      this.runFollowers.delete(runId);
      void this.subscriber?.unsubscribe(this.runChannel(runId)).catch(() => undefined);
    };
  }

  /** The connection in subscriber mode, made on first use; it hands each run's events to the run's followers. */
  private subscribed(): Redis {
    if (this.subscriber) return this.subscriber;
    this.subscriber = this.redis.duplicate();
    // The main connection reports outages; this one reconnects and subscribes again by itself.
    this.subscriber.on('error', () => undefined);
    const runsPrefix = this.key('run', '');
    this.subscriber.on('message', (channel: string, message: string) => {
      if (!channel.startsWith(runsPrefix) || !channel.endsWith(':events')) return;
      const followers = this.runFollowers.get(channel.slice(runsPrefix.length, -':events'.length));
      if (!followers || followers.size === 0) return;
      const event = JSON.parse(message) as RunEvent;
      for (const follower of followers) follower(event);
    });
    return this.subscriber;
  }

  private runChannel(runId: string): string {
    return this.key('run', runId, 'events');
  }

  @storeCall
  async listRuns(): Promise<RunMeta[]> {
    const ids = await this.redis.zrevrange(this.key('runs:index'), 0, -1);
    if (ids.length === 0) return [];
    return (await this.redis.hmget(this.key('runs'), ...ids)).filter((json): json is string => !!json).map((json) => JSON.parse(json));
  }

  @storeCall
  async getRun(id: string): Promise<RunMeta | undefined> {
    const json = await this.redis.hget(this.key('runs'), id);
    return json ? JSON.parse(json) : undefined;
  }

  @storeCall
  async putRun(run: RunMeta, fence: number): Promise<void> {
    const ended = isLive(run.status) ? 0 : 1;
    const written = await this.redis.putRun(this.key('run', run.id, 'fence'), this.key('runs'), this.key('run', run.id, 'cancel'), fence, run.id, JSON.stringify(run), ended);
    if (written === -1) throw new StaleLeaseError(run.id);
    // The index holds the creation time, which never changes: no fence needed.
    await this.redis.zadd(this.key('runs:index'), Date.parse(run.createdAt), run.id);
  }

  @storeCall
  async deleteRun(id: string): Promise<void> {
    await this.redis
      .multi()
      .hdel(this.key('runs'), id)
      .zrem(this.key('runs:index'), id)
      .del(...['executions', 'results', 'lease', 'fence', 'cancel', 'claims'].map((part) => this.key('run', id, part)))
      .exec();
  }

  @storeCall
  async getExecutions(runId: string): Promise<ExecutionRecord[]> {
    return parseAll(Object.values(await this.redis.hgetall(this.key('run', runId, 'executions'))));
  }

  @storeCall
  async putExecutions(runId: string, executions: ExecutionRecord[], fence: number): Promise<void> {
    const pairs = executions.flatMap((execution) => [execution.userId, JSON.stringify(execution)]);
    await this.fenced(runId, fence, 'HSET', this.key('run', runId, 'executions'), pairs, 2);
  }

  @storeCall
  async getResults(runId: string): Promise<NodeResult[]> {
    return parseAll(Object.values(await this.redis.hgetall(this.key('run', runId, 'results'))));
  }

  @storeCall
  async putResult(runId: string, result: NodeResult, fence: number): Promise<void> {
    await this.fenced(runId, fence, 'HSET', this.key('run', runId, 'results'), [`${result.userId}-${result.nodeId}`, JSON.stringify(result)]);
  }

  @storeCall
  async clearResults(runId: string, userId: string, fence: number): Promise<void> {
    // Keys are `${userId}-${nodeId}` and ids may contain '-', so match on the stored userId.
    const mine = (await this.getResults(runId)).filter((result) => result.userId === userId);
    await this.fenced(runId, fence, 'HDEL', this.key('run', runId, 'results'), mine.map((r) => `${r.userId}-${r.nodeId}`));
  }

  /**
   * QUITs, so that the replies still due arrive first; a Redis that does not answer within
   * `closeTimeoutMs` (frozen, say) is given up on: the connection is dropped, and that is logged.
   */
  async close(): Promise<void> {
    const failures = await Promise.all([this.redis, this.subscriber].map((connection) => connection && this.quit(connection)));
    const failure = failures.find((reason) => reason !== undefined);
    if (failure !== undefined) this.logger.warn(BatchMessages.storeCloseAbandoned(this.name, failure));
  }

  /** QUITs `connection`, dropping it when that fails or takes longer than `closeTimeoutMs`; why, if it was dropped. */
  private async quit(connection: Redis): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`Redis did not answer QUIT within ${this.closeTimeoutMs} ms`), this.closeTimeoutMs);
    });
    const quit = connection.quit().then(
      () => undefined,
      (error: Error) => `QUIT failed (${error.message})`,
    );
    const failure = await Promise.race([quit, timedOut]);
    clearTimeout(timer);
    if (failure !== undefined) connection.disconnect();
    return failure;
  }

  /** Writes `args` to `hash` in chunks of `PAIRS_PER_WRITE` entries (of `width` arguments), each refused when `fence` is stale. */
  private async fenced(runId: string, fence: number, command: 'HSET' | 'HDEL', hash: string, args: string[], width = 1): Promise<void> {
    const step = PAIRS_PER_WRITE * width;
    for (let start = 0; start < args.length; start += step) {
      const written = await this.redis.fencedWrite(this.key('run', runId, 'fence'), hash, fence, command, ...args.slice(start, start + step));
      if (written === -1) throw new StaleLeaseError(runId);
    }
  }
}

/** A method whose Redis failures (no connection, timeout) leave as StoreUnavailableError; Redis's own error replies, bad JSON and lease errors stay as they are. */
function storeCall(_target: RedisBatchStore, _key: string, descriptor: PropertyDescriptor): void {
  const method = descriptor.value as (...args: unknown[]) => Promise<unknown>;
  descriptor.value = async function (this: RedisBatchStore, ...args: unknown[]) {
    try {
      return await method.apply(this, args);
    } catch (error) {
      if (error instanceof ReplyError || error instanceof SyntaxError || error instanceof StaleLeaseError || error instanceof StaleClaimError || error instanceof StoreUnavailableError) throw error;
      throw new StoreUnavailableError(this.name, (error as Error).message);
    }
  };
}

function parseAll<T>(values: string[]): T[] {
  return values.map((json) => JSON.parse(json) as T);
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** `host:port` of a Redis URL, for messages (never its password). */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return redactUrl(url);
  }
}
