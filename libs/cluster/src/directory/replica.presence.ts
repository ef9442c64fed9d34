import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SessionRegistry } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { ReplicaIdInUseError } from '../exceptions/replica-id-in-use.exception';
import { ReplicaIdentity } from '../replica/replica.identity';
import { ReplicaEntry } from './replica-entry.interface';
import { ReplicaDirectory } from './replica.directory';

/** Beyond one heartbeat interval, how long a startup waits for a holder of its id to show it is alive. */
const HOLDER_MARGIN_MS = 1_000;

/**
 * This replica's presence in the directory: it claims its id at startup (refusing one a live replica
 * holds), fills in its address once listening, heartbeats every lease_ttl/3 with its user count, and
 * leaves on shutdown, once its requests are done.
 */
@Injectable()
export class ReplicaPresence implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  /** Tells this process's entry from an earlier process's under the same replica id. */
  private readonly instance = randomUUID();
  private readonly startedAt = new Date().toISOString();
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private failing = false;
  private announced = false;
  private stopped = false;

  constructor(
    private readonly identity: ReplicaIdentity,
    private readonly directory: ReplicaDirectory,
    private readonly sessions: SessionRegistry,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  /** Before listening: a replica id in use by a live replica stops the startup here. */
  async onApplicationBootstrap(): Promise<void> {
    // An application context (`userscope run`, `userscope batch`) serves nobody: it is no replica.
    if (!this.identity.servesHttp) return;
    await this.claim();
    this.timer = setInterval(() => void this.heartbeat(), this.directory.heartbeatIntervalMs);
    this.timer.unref();
    // The address goes in as soon as it is known, not at the next beat.
    this.adapterHost?.listen$.subscribe(() => void this.heartbeat());
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.timer || this.stopped) return;
    this.stop();
    await this.beating;
    try {
      if (await this.directory.leave(this.identity.id, this.instance)) this.logger.log(ClusterMessages.left(this.identity.id));
    } catch (error) {
      // Its entry expires within lease_ttl anyway.
      this.logger.warn(ClusterMessages.heartbeatFailed(this.identity.id, (error as Error).message));
    }
  }

  private async claim(): Promise<void> {
    const id = this.identity.id;
    if ((await this.directory.upsert(this.entry(), this.instance)) !== 'held') return;
    const holder = await this.directory.read(id);
    if (holder) {
      // An entry alone does not tell a live replica from a killed one: a live one heartbeats meanwhile.
      const waitMs = this.directory.heartbeatIntervalMs + HOLDER_MARGIN_MS;
      this.logger.warn(ClusterMessages.waitingForHolder(id, waitMs));
      await sleep(waitMs);
      const again = await this.directory.read(id);
      if (again && (again.instance !== holder.instance || again.heartbeat_at !== holder.heartbeat_at)) {
        throw new ReplicaIdInUseError(id, again.address, again.heartbeat_at);
      }
    }
    if ((await this.directory.upsert(this.entry(), this.instance, holder?.instance)) === 'held') {
      const current = await this.directory.read(id);
      throw new ReplicaIdInUseError(id, current?.address ?? '', current?.heartbeat_at ?? 'unknown');
    }
    if (holder) this.logger.warn(ClusterMessages.tookOverStaleEntry(id));
  }

  /** One beat at a time: a slow Redis must not pile them up. */
  private heartbeat(): Promise<void> {
    this.beating ??= this.beat().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    const entry = this.entry();
    try {
      const outcome = await this.directory.upsert(entry, this.instance);
      if (this.failing) this.logger.log(ClusterMessages.heartbeatRecovered(entry.id));
      this.failing = false;
      if (outcome === 'held') {
        this.logger.error(ClusterMessages.displaced(entry.id));
        this.stop();
      } else if (outcome === 'created') {
        this.logger.warn(ClusterMessages.reRegistered(entry.id));
      } else if (entry.address && !this.announced) {
        this.announced = true;
        this.logger.log(ClusterMessages.registered(entry.id, entry.address));
      }
    } catch (error) {
      if (!this.failing) this.logger.warn(ClusterMessages.heartbeatFailed(entry.id, (error as Error).message));
      this.failing = true;
    }
  }

  private stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private entry(): ReplicaEntry {
    return {
      id: this.identity.id,
      version: this.identity.version,
      // Empty until listening: others do not ask a replica that cannot answer yet.
      address: this.identity.listening ? this.identity.address : '',
      users: this.sessions.size,
      started_at: this.startedAt,
      heartbeat_at: new Date().toISOString(),
    };
  }
}
