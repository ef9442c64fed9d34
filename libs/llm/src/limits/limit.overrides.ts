import Redis from 'ioredis';
import { UserLimitsOverride } from './user-limits.config';

/** How long a process trusts an override it read from Redis: a change reaches every process within it. */
const CACHE_MS = 5000;
const NO_OVERRIDE = { override: undefined };

/**
 * Users' own limits, set through the API: in memory, or in the Redis the app's processes share
 * (`<prefix>limits`, a hash by user), read through a 5 s cache so that a call costs no round trip.
 */
export class LimitOverrides {
  private readonly local = new Map<string, { override: UserLimitsOverride | undefined; at: number }>();

  constructor(
    private readonly redis?: Redis,
    private readonly prefix = '',
  ) {}

  private get key(): string {
    return `${this.prefix}limits`;
  }

  async get(userId: string): Promise<UserLimitsOverride | undefined> {
    const known = this.known(userId);
    if (known) return known.override;
    if (!this.redis) return undefined;
    const json = await this.redis.hget(this.key, userId);
    const override = json ? (JSON.parse(json) as UserLimitsOverride) : undefined;
    this.local.set(userId, { override, at: Date.now() });
    return override;
  }

  /** The user's override when this process knows it without a round trip (`get` would not wait); else undefined. */
  known(userId: string): { override: UserLimitsOverride | undefined } | undefined {
    const cached = this.local.get(userId);
    if (cached && (!this.redis || Date.now() - cached.at < CACHE_MS)) return cached;
    return this.redis ? undefined : NO_OVERRIDE;
  }

  /** Whether any user has an override (then every user's calls are checked, not only under `general.limits`). */
  async any(): Promise<boolean> {
    if (!this.redis) return [...this.local.values()].some((entry) => entry.override);
    return (await this.redis.hlen(this.key)) > 0;
  }

  async put(userId: string, override: UserLimitsOverride): Promise<void> {
    if (this.redis) await this.redis.hset(this.key, userId, JSON.stringify(override));
    this.local.set(userId, { override: { ...override }, at: Date.now() });
  }

  async delete(userId: string): Promise<boolean> {
    const had = this.redis ? (await this.redis.hdel(this.key, userId)) > 0 : !!this.local.get(userId)?.override;
    this.local.delete(userId);
    return had;
  }

  close(): void {
    this.redis?.disconnect();
  }
}
