import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { startCliServer } from './cli-server';
import { HaproxyProcess } from './haproxy';
import { deleteKeys, REDIS_URL } from './redis';
import { ServerProcess } from './server-process';

/** The seed example as one replica of a cluster (its general.cluster from the environment below). */
export const CLUSTER_SEED_CONFIG = 'test/fixtures/cluster-seed.yml';
export const CLUSTER_ADMIN_TOKEN = 'a-very-long-admin-token-for-cluster-tests';

export interface ClusterHarnessOptions {
  /** How many replicas (r1..rN). */
  replicas: number;
  /** Also an haproxy in front (deploy/haproxy.cfg). */
  proxy?: boolean;
  config?: string;
  /** general.cluster.lease_ttl; short, so heartbeats and expiry show within a test. */
  leaseTtl?: string;
  monitorTimeout?: string;
  env?: NodeJS.ProcessEnv;
}

/** A `userscope serve` replica of the harness. */
export interface Replica {
  id: string;
  url: string;
  /** host:port, as the proxy reaches it. */
  hostPort: string;
  process: ServerProcess;
}

/**
 * N real `userscope serve` replicas on free ports, one Redis (REDIS_URL) under a key prefix of their
 * own, replica ids r1..rN, and optionally a real haproxy in front. `stop()` ends every process it
 * started and deletes the keys.
 */
export class ClusterHarness {
  readonly replicas: Replica[] = [];
  proxy?: HaproxyProcess;
  readonly keyPrefix = `userscope-test:cluster:${randomUUID()}:`;
  readonly redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });

  private constructor(private readonly options: ClusterHarnessOptions) {}

  static async start(options: ClusterHarnessOptions): Promise<ClusterHarness> {
    const harness = new ClusterHarness(options);
    try {
      await harness.redis.connect();
      await Promise.all(Array.from({ length: options.replicas }, (_, i) => harness.startReplica(`r${i + 1}`)));
      // In id order, so USERSCOPE_REPLICA_<n> is r<n>.
      harness.replicas.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
      if (options.proxy) harness.proxy = await HaproxyProcess.start(harness.replicas.map((replica) => replica.hostPort));
    } catch (error) {
      await harness.stop();
      throw error;
    }
    return harness;
  }

  /** The environment a replica `id` of this cluster runs with. */
  replicaEnv(id: string): NodeJS.ProcessEnv {
    return {
      REDIS_URL,
      CLUSTER_KEY_PREFIX: this.keyPrefix,
      CLUSTER_LEASE_TTL: this.options.leaseTtl ?? '3s',
      CLUSTER_MONITOR_TIMEOUT: this.options.monitorTimeout ?? '500ms',
      USERSCOPE_REPLICA_ID: id,
      USERSCOPE_ADMIN_TOKEN: CLUSTER_ADMIN_TOKEN,
      ...this.options.env,
    };
  }

  /** Starts replica `id` and adds it to `replicas` (not to a running proxy). */
  async startReplica(id: string): Promise<Replica> {
    const server = await startCliServer(this.options.config ?? CLUSTER_SEED_CONFIG, this.replicaEnv(id));
    const replica = { id, url: server.url, hostPort: new URL(server.url).host, process: server.process };
    this.replicas.push(replica);
    return replica;
  }

  replica(id: string): Replica {
    const found = this.replicas.find((replica) => replica.id === id);
    if (!found) throw new Error(`no replica ${id}`);
    return found;
  }

  /** Where clients go: the proxy. */
  get url(): string {
    if (!this.proxy) throw new Error('this harness has no proxy');
    return this.proxy.url;
  }

  async stop(): Promise<void> {
    await this.proxy?.stop();
    await Promise.all(
      this.replicas.map((replica) => {
        replica.process.signal('SIGCONT'); // a paused one cannot take SIGTERM
        return replica.process.stop(3000);
      }),
    );
    if (this.redis.status === 'ready') await deleteKeys(this.redis, this.keyPrefix);
    this.redis.disconnect();
  }
}

/** GET `path` as the admin (`token: null`: without a token), JSON. */
export async function adminGet(url: string, path: string, token: string | null = CLUSTER_ADMIN_TOKEN): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(`${url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, json: await response.json(), headers: response.headers };
}

/** POST /generate as `user` (the nat-session cookie): status, exact body text and the answering replica. */
export async function generate(url: string, user: string, body: unknown): Promise<{ status: number; text: string; replica: string | null }> {
  const response = await fetch(`${url}/generate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `nat-session=${user}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text(), replica: response.headers.get('x-userscope-replica') };
}

/** Polls `probe` until it returns a value (not undefined), at most `timeoutMs`; fails with the last value seen. */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
