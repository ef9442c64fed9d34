import type Redis from 'ioredis';
import { ClusterRedisUnavailableError } from '../exceptions/cluster-redis-unavailable.exception';

/**
 * The nonces of the calls between replicas that some replica accepted, in the cluster's Redis
 * (`<key_prefix>nonce:<nonce>`, SET NX PX): a call replayed to any replica within its window is
 * refused, not only one replayed to the replica that took it first.
 */
export class InternalCallNonces {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
  ) {}

  /** True the first time `nonce` is used in the cluster, remembered for `forMs`; false after. */
  async firstUse(nonce: string, forMs: number): Promise<boolean> {
    try {
      return (await this.redis.set(`${this.keyPrefix}nonce:${nonce}`, '1', 'PX', Math.max(1, Math.ceil(forMs)), 'NX')) === 'OK';
    } catch (error) {
      throw new ClusterRedisUnavailableError(error);
    }
  }
}
