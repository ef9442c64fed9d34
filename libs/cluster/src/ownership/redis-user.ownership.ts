import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { LeaseLossCause, LeaseLostError, UserLease, UserOwnership } from '@userscope/runtime';
import { ClusterMessages } from '../cluster.messages';
import { ClusterRedisUnavailableError } from '../exceptions/cluster-redis-unavailable.exception';
import { ReplicaDrainingError } from '../exceptions/replica-draining.exception';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { ReplicaIdentity } from '../replica/replica.identity';
import { CLAIM_LEASE, RELEASE_LEASES, RENEW_LEASES } from './lease.scripts';
import { LeaseHolder, leaseKeys, parseLease } from './lease.keys';

export interface RedisUserOwnershipOptions {
  keyPrefix: string;
  leaseTtlMs: number;
  /** Leases per script call when renewing or releasing many: one call holds Redis, and the loop, briefly. */
  batchSize?: number;
}

/** A lease this process holds. */
interface HeldLease {
  readonly userId: string;
  readonly token: number;
  /** The lease exactly as Redis holds it; renewal and release compare it whole. */
  readonly value: string;
  readonly key: string;
  readonly onLost: (cause: LeaseLossCause) => void;
  /** When the last renewal that Redis confirmed was sent: the lease runs at least lease_ttl from then. */
  confirmedAt: number;
  /** The renewal of this lease alone that a check after a pause sent, shared by the checks meanwhile. */
  reconfirming?: Promise<void>;
}

const DEFAULT_BATCH = 500;

/**
 * One owner per user, cluster-wide: each user's lease is a Redis key naming its holder (token,
 * replica, advertise URL), granted by one Lua script with a new fencing token, renewed in batches
 * while held, and released by compare-and-delete. A lease that renewal finds gone or taken, or that
 * could not be renewed for lease_ttl, is lost: its `onLost` ends the user's session here.
 */
export class RedisUserOwnership implements UserOwnership {
  private readonly logger = new Logger('Cluster');
  private readonly held = new Map<string, HeldLease>();
  private readonly batchSize: number;
  private draining = false;

  constructor(
    private readonly redis: Redis,
    private readonly replica: ReplicaIdentity,
    private readonly options: RedisUserOwnershipOptions,
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH;
  }

  /** How many users this replica holds. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Whether this replica holds `userId`'s lease, as far as it knows. */
  holds(userId: string): boolean {
    return this.held.has(userId);
  }

  /** Shutdown began: claims are refused from now on (503 replica_draining). */
  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async claim(userId: string, onLost: (cause: LeaseLossCause) => void): Promise<UserLease> {
    if (this.draining) throw await this.drainingRefusal(userId);
    const key = leaseKeys.owner(this.options.keyPrefix, userId);
    const sentAt = Date.now();
    let reply: [number, string, number];
    try {
      const args = [this.replica.id, this.replica.advertiseUrl ?? '-', this.options.leaseTtlMs];
      reply = (await CLAIM_LEASE.run(this.redis, [key, leaseKeys.fence(this.options.keyPrefix)], args)) as [number, string, number];
    } catch (error) {
      throw new ClusterRedisUnavailableError(error);
    }
    const [granted, value, tokenOrTtl] = reply;
    if (granted !== 1) {
      const holder = parseLease(value);
      throw new UserLeasedElsewhereError(userId, holder.replica, holder.url, tokenOrTtl);
    }
    this.held.set(userId, { userId, token: tokenOrTtl, value, key, onLost, confirmedAt: sentAt });
    return { userId, token: tokenOrTtl };
  }

  /** While draining: a user another replica holds is still theirs (forwarded there); a free one is refused. */
  private async drainingRefusal(userId: string): Promise<Error> {
    const holder = await this.holderOf(userId).catch(() => undefined);
    if (holder && holder.replica !== this.replica.id) return new UserLeasedElsewhereError(userId, holder.replica, holder.url, holder.remainingMs);
    return new ReplicaDrainingError(this.replica.id, userId);
  }

  async release(lease: UserLease): Promise<void> {
    const held = this.held.get(lease.userId);
    if (!held || held.token !== lease.token) return; // lost already, or a newer claim of this process
    this.held.delete(lease.userId);
    await this.releaseBatch([held]);
  }

  /** Whether `verify(lease)` would pass at once, with no call to Redis: held by this process and confirmed within lease_ttl. */
  isConfirmed(lease: UserLease): boolean {
    const held = this.held.get(lease.userId);
    return held !== undefined && held.token === lease.token && Date.now() - held.confirmedAt < this.options.leaseTtlMs;
  }

  /**
   * The one check of a woken owner, for every route (the forwarding hook and every call the runtime
   * runs as a user): undefined while `lease` was confirmed within lease_ttl, as nobody else can have
   * claimed it since. Past that (this process was paused, or Redis did not answer its renewals), this
   * lease alone is renewed now, and checked again once that renewal is answered: one sent before a
   * pause proves nothing after it. Refused or unanswered, the lease is lost (the session ends) and
   * the returned promise rejects.
   */
  verify(lease: UserLease): Promise<void> | undefined {
    if (this.isConfirmed(lease)) return undefined;
    const held = this.held.get(lease.userId);
    if (!held || held.token !== lease.token) return Promise.reject(new LeaseLostError(lease.userId));
    held.reconfirming ??= this.reconfirm(held).finally(() => (held.reconfirming = undefined));
    return held.reconfirming.then(() => this.verify(lease));
  }

  private async reconfirm(lease: HeldLease): Promise<void> {
    const sentAt = Date.now();
    let lost: number[];
    try {
      lost = (await RENEW_LEASES.run(this.redis, [lease.key], [this.options.leaseTtlMs, lease.value])) as number[];
    } catch (error) {
      this.lose(lease);
      throw new ClusterRedisUnavailableError(error);
    }
    if (lost.length > 0) {
      this.lose(lease);
      throw new LeaseLostError(lease.userId);
    }
    confirm(lease, sentAt);
  }

  /** Who holds `userId`'s lease now (any replica, this one included); undefined when nobody does. */
  async holderOf(userId: string): Promise<(LeaseHolder & { remainingMs: number }) | undefined> {
    const key = leaseKeys.owner(this.options.keyPrefix, userId);
    let value: string | null;
    let remainingMs: number;
    try {
      [value, remainingMs] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    } catch (error) {
      throw new ClusterRedisUnavailableError(error);
    }
    return value === null ? undefined : { ...parseLease(value), remainingMs };
  }

  /**
   * Renews every held lease, `batchSize` per script call, one call at a time: 100k users are 200
   * short calls, each awaited, so requests keep being served between them. Leases found gone or
   * taken are lost; so are those Redis has not confirmed for lease_ttl (it did not answer).
   */
  async renewAll(): Promise<void> {
    const leases = [...this.held.values()];
    for (let start = 0; start < leases.length; start += this.batchSize) {
      const batch = leases.slice(start, start + this.batchSize);
      const sentAt = Date.now();
      let lostPositions: number[];
      try {
        lostPositions = (await RENEW_LEASES.run(this.redis, batch.map((lease) => lease.key), [this.options.leaseTtlMs, ...batch.map((lease) => lease.value)])) as number[];
      } catch (error) {
        this.logger.warn(ClusterMessages.renewalFailed(String((error as Error)?.message ?? error)));
        this.dropUnconfirmed(batch);
        continue;
      }
      for (const lease of batch) confirm(lease, sentAt);
      for (const position of lostPositions) this.lose(batch[position - 1]);
    }
  }

  /** Releases every lease still held (the end of a drain), in batches; never throws. */
  async releaseAll(): Promise<void> {
    const leases = [...this.held.values()];
    this.held.clear();
    for (let start = 0; start < leases.length; start += this.batchSize) await this.releaseBatch(leases.slice(start, start + this.batchSize));
  }

  private async releaseBatch(leases: HeldLease[]): Promise<void> {
    try {
      await RELEASE_LEASES.run(this.redis, leases.map((lease) => lease.key), leases.map((lease) => lease.value));
    } catch (error) {
      this.logger.warn(ClusterMessages.releaseFailed(String((error as Error)?.message ?? error)));
    }
  }

  /** Past lease_ttl without a confirmed renewal, another replica may have the user: stop serving them here. */
  private dropUnconfirmed(batch: HeldLease[]): void {
    const now = Date.now();
    const expired = batch.filter((lease) => now - lease.confirmedAt >= this.options.leaseTtlMs);
    if (expired.length === 0) return;
    this.logger.warn(ClusterMessages.leasesUnconfirmed(expired.map((lease) => lease.userId), this.options.leaseTtlMs));
    for (const lease of expired) this.lose(lease, 'unconfirmed');
  }

  /** The session's `onLost` logs it; 100k lost leases must not be 200k lines. */
  private lose(lease: HeldLease, cause: LeaseLossCause = 'taken'): void {
    // Released or claimed anew since the pass began: that one is not this lease.
    if (this.held.get(lease.userId) !== lease) return;
    this.held.delete(lease.userId);
    lease.onLost(cause);
  }
}

/** A renewal sent at `sentAt` was confirmed; one sent earlier but answered later confirms nothing newer. */
function confirm(lease: HeldLease, sentAt: number): void {
  lease.confirmedAt = Math.max(lease.confirmedAt, sentAt);
}
