import { Logger } from '@nestjs/common';
import { RedisUserOwnership } from './redis-user.ownership';

/**
 * Renews the held leases every third of lease_ttl, so that two renewals can fail before a lease
 * runs out. A pass still running when the next is due is not doubled.
 */
export class LeaseRenewalScheduler {
  private readonly logger = new Logger('Cluster');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly ownership: RedisUserOwnership,
    private readonly leaseTtlMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.renewNow(), Math.max(1, Math.floor(this.leaseTtlMs / 3)));
    this.timer.unref(); // a lease timer never keeps a finished process alive
  }

  /** One pass now (or the one running). */
  renewNow(): Promise<void> {
    this.running ??= this.ownership
      .renewAll()
      .catch((error) => this.logger.error(`Lease renewal failed: ${String((error as Error)?.message ?? error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** Stops renewing, after the pass running (if any). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
