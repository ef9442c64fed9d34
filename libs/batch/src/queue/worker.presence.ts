import { toMilliseconds } from '@userscope/runtime';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { BATCH_CONFIG } from '../batch.constants';
import { BatchConfig } from '../config/batch-config.reader';
import type { WorkerView } from '../api/workers.types';

/** How often a worker says it is alive; one silent for three beats is listed no more. */
const HEARTBEAT_MS = 5000;

/** A process working the queue, as `GET /api/workers` lists it. */
export type WorkerEntry = WorkerView;

/**
 * The workers of the queue, in a Redis hash (`<key_prefix>workers`) each worker rewrites with its
 * heartbeat and removes when it stops. An entry whose heartbeat is older than three beats (the
 * worker died) is dropped by whoever reads it.
 */
@Injectable()
export class WorkerPresence implements OnApplicationShutdown {
  readonly id = `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  private redis?: Redis;
  private timer?: NodeJS.Timeout;
  private entry?: WorkerEntry;

  constructor(@Inject(BATCH_CONFIG) private readonly config: BatchConfig) {}

  private get key(): string {
    return `${this.config.settings.key_prefix}workers`;
  }

  async start(concurrency: number, active: () => number): Promise<void> {
    const now = new Date().toISOString();
    this.entry = { id: this.id, host: hostname(), pid: process.pid, concurrency, active: 0, startedAt: now, heartbeatAt: now };
    const beat = async () => {
      this.entry = { ...this.entry!, active: active(), heartbeatAt: new Date().toISOString() };
      await this.connection().hset(this.key, this.id, JSON.stringify(this.entry)).catch(() => undefined);
    };
    await beat();
    this.timer = setInterval(() => void beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.entry) await this.connection().hdel(this.key, this.id).catch(() => undefined);
    this.redis?.disconnect();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.redis?.disconnect(); // a server that only read the list
  }

  /** The workers alive now; entries of dead ones are removed. */
  async list(): Promise<WorkerEntry[]> {
    const entries = Object.values(await this.connection().hgetall(this.key)).map((json) => JSON.parse(json) as WorkerEntry);
    const cutoff = Date.now() - 3 * HEARTBEAT_MS;
    const dead = entries.filter((entry) => Date.parse(entry.heartbeatAt) < cutoff);
    if (dead.length > 0) await this.connection().hdel(this.key, ...dead.map((entry) => entry.id));
    return entries.filter((entry) => !dead.includes(entry)).sort((a, b) => a.id.localeCompare(b.id));
  }

  private connection(): Redis {
    if (!this.redis) {
      const { redis_url: url, redis_command_timeout: timeout } = this.config.settings;
      this.redis = new Redis(url, { maxRetriesPerRequest: 3, commandTimeout: toMilliseconds(timeout) });
      this.redis.on('error', () => undefined); // the store's connection reports outages
    }
    return this.redis;
  }
}
