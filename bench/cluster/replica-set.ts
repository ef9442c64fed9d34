import { randomBytes } from 'node:crypto';
import path from 'node:path';
import Redis from 'ioredis';
import { ForkedServer, forkServer } from '../harness/forked-server';
import { deleteKeys } from '../harness/redis-keys';
import { HaproxyProcess, haproxyInstalled } from '../harness/haproxy.process';

export interface ReplicaSetOptions {
  replicas: number;
  redisUrl: string;
  /** general.cluster.lease_ttl, e.g. '3s'. */
  leaseTtl: string;
  /** Where the replicas run (bench/fixtures/cluster-seed.yml is read from there). */
  cwd: string;
}

/** A bench replica: its id (r1..rN) and process. */
export interface BenchReplica extends ForkedServer {
  id: string;
}

/**
 * N replicas of the seed example in cluster mode on one Redis, under a key prefix of their own,
 * and haproxy (deploy/haproxy.cfg) in front. `stop()` ends every process and deletes the keys.
 */
export class ReplicaSet {
  readonly keyPrefix = `userscope:bench:cluster:${randomBytes(6).toString('hex')}:`;
  readonly replicas: BenchReplica[] = [];
  proxy!: HaproxyProcess;

  private constructor(private readonly options: ReplicaSetOptions) {}

  static async start(options: ReplicaSetOptions): Promise<ReplicaSet> {
    if (!haproxyInstalled()) throw new Error('The cluster benches need haproxy (Debian: apt-get install -y haproxy).');
    const set = new ReplicaSet(options);
    try {
      for (let n = 1; n <= options.replicas; n++) set.replicas.push(await set.startReplica(`r${n}`));
      set.proxy = await HaproxyProcess.start(set.replicas.map((replica) => new URL(replica.url).host));
    } catch (error) {
      await set.stop();
      throw error;
    }
    return set;
  }

  replica(id: string): BenchReplica {
    return this.replicas.find((replica) => replica.id === id)!;
  }

  async stop(): Promise<void> {
    await this.proxy?.stop();
    await Promise.all(this.replicas.map((replica) => replica.stop()));
    const redis = new Redis(this.options.redisUrl, { maxRetriesPerRequest: 1 });
    try {
      await deleteKeys(redis, this.keyPrefix);
    } finally {
      redis.disconnect();
    }
  }

  private async startReplica(id: string): Promise<BenchReplica> {
    const server = await forkServer(path.join(__dirname, '..', 'servers', 'cluster-replica.server.js'), {
      cwd: this.options.cwd,
      env: {
        ...process.env,
        USERSCOPE_CLUSTER_REDIS_URL: this.options.redisUrl,
        USERSCOPE_REPLICA_ID: id,
        USERSCOPE_LEASE_TTL: this.options.leaseTtl,
        BENCH_CLUSTER_PREFIX: this.keyPrefix,
      },
    });
    return { ...server, id };
  }
}
