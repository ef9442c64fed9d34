import { toMilliseconds } from '@userscope/runtime';
import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { CLUSTER_CONFIG } from '../cluster.constants';
import { ClusterConfig } from '../config/cluster.config';
import { CLUSTER_REDIS } from '../redis/cluster-redis.connection';
import { ReplicaDirectoryScripts } from './replica-directory.scripts';
import { DirectoryListing, GoneReplica, ReplicaEntry, ReplicaRecord } from './replica-entry.interface';

type DirectoryRedis = Redis & {
  replicaUpsert(hash: string, index: string, ...args: string[]): Promise<number>;
  replicaLeave(hash: string, index: string, instance: string, id: string): Promise<number>;
};

/** What an upsert found: the entry was this process's, there was none, or another process holds the id. */
export type UpsertOutcome = 'renewed' | 'created' | 'held';

/**
 * The replica directory in Redis: `P replica:<id>` (a hash that expires lease_ttl after its last
 * heartbeat) and `P replicas` (ids by last heartbeat). Only reads and writes it; ReplicaPresence
 * decides when.
 */
@Injectable()
export class ReplicaDirectory {
  private readonly redis: DirectoryRedis;
  private readonly prefix: string;
  /** How long an entry lasts without a heartbeat (lease_ttl). */
  readonly ttlMs: number;
  /** Replicas heartbeat every third of lease_ttl, so one missed beat does not drop them. */
  readonly heartbeatIntervalMs: number;
  /** How long a replica that vanished without leaving stays listed as gone. */
  readonly goneRetentionMs: number;

  constructor(@Inject(CLUSTER_REDIS) redis: Redis, @Inject(CLUSTER_CONFIG) config: ClusterConfig) {
    for (const [name, lua] of Object.entries(ReplicaDirectoryScripts)) {
      if (!(name in redis)) redis.defineCommand(name, { lua, numberOfKeys: 2 });
    }
    this.redis = redis as DirectoryRedis;
    this.prefix = config.key_prefix;
    this.ttlMs = toMilliseconds(config.lease_ttl);
    this.heartbeatIntervalMs = this.ttlMs / 3;
    this.goneRetentionMs = this.ttlMs * 10;
  }

  /**
   * Writes `entry` for process `instance`, expiring after lease_ttl, unless another process holds the id
   * (`takeOverFrom` names one whose entry may be replaced: a holder found dead).
   */
  async upsert(entry: ReplicaEntry, instance: string, takeOverFrom = ''): Promise<UpsertOutcome> {
    const fields = Object.entries(entry).flatMap(([key, value]) => [key, String(value)]);
    const heartbeatMs = Date.parse(entry.heartbeat_at);
    const outcome = await this.redis.replicaUpsert(
      this.hashKey(entry.id),
      this.indexKey(),
      instance,
      String(Math.max(1, Math.round(this.ttlMs))),
      takeOverFrom,
      String(heartbeatMs),
      entry.id,
      // Every heartbeat also forgets the replicas gone for longer than goneRetentionMs.
      String(heartbeatMs - this.goneRetentionMs),
      ...fields,
    );
    return outcome === 0 ? 'held' : outcome === 1 ? 'renewed' : 'created';
  }

  /** The entry of `id`, if it has one. */
  async read(id: string): Promise<ReplicaRecord | undefined> {
    return toRecord(await this.redis.hgetall(this.hashKey(id)));
  }

  /** Deletes the entry of `id` if process `instance` wrote it. */
  async leave(id: string, instance: string): Promise<boolean> {
    return (await this.redis.replicaLeave(this.hashKey(id), this.indexKey(), instance, id)) === 1;
  }

  /** Every entry, and the replicas gone within goneRetentionMs (older ones are pruned from the index). */
  async list(now = Date.now()): Promise<DirectoryListing> {
    await this.redis.zremrangebyscore(this.indexKey(), '-inf', `(${now - this.goneRetentionMs}`);
    const indexed = await this.redis.zrange(this.indexKey(), 0, -1, 'WITHSCORES');
    const ids: { id: string; heartbeatMs: number }[] = [];
    for (let i = 0; i < indexed.length; i += 2) ids.push({ id: indexed[i], heartbeatMs: Number(indexed[i + 1]) });
    const pipeline = this.redis.pipeline();
    ids.forEach(({ id }) => pipeline.hgetall(this.hashKey(id)));
    const hashes = ids.length > 0 ? ((await pipeline.exec()) ?? []) : [];
    const replicas: ReplicaRecord[] = [];
    const gone: GoneReplica[] = [];
    ids.forEach(({ id, heartbeatMs }, i) => {
      const [error, hash] = hashes[i] ?? [];
      if (error) throw error;
      const record = toRecord(hash as Record<string, string>);
      if (record) replicas.push(record);
      else gone.push({ id, heartbeat_at: new Date(heartbeatMs).toISOString() });
    });
    return { replicas, gone };
  }

  private hashKey(id: string): string {
    return `${this.prefix}replica:${id}`;
  }

  private indexKey(): string {
    return `${this.prefix}replicas`;
  }
}

function toRecord(hash: Record<string, string> | undefined): ReplicaRecord | undefined {
  if (!hash || hash.id === undefined) return undefined;
  return {
    id: hash.id,
    version: hash.version ?? '',
    address: hash.address ?? '',
    users: Number(hash.users ?? 0),
    started_at: hash.started_at ?? '',
    heartbeat_at: hash.heartbeat_at ?? '',
    instance: hash.instance ?? '',
  };
}
