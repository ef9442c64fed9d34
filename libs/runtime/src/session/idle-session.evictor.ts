import { toMilliseconds } from '../config/duration';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { USERSCOPE_CONFIG } from '../runtime.constants';
import { UserscopeConfig } from '../config/userscope-config.interface';
import { SessionLifecycle } from './session.lifecycle';

/**
 * Every `per_user_workflow_cleanup_interval`, ends the users idle for longer than
 * `per_user_workflow_timeout` with no request in flight. The interval is registered with
 * @nestjs/schedule at bootstrap, since its period comes from the config file.
 */
@Injectable()
export class IdleSessionEvictor implements OnApplicationBootstrap, OnApplicationShutdown {
  static readonly INTERVAL_NAME = 'userscope:evict-idle-sessions';
  private readonly logger = new Logger('Sessions');
  private running: Promise<number> | undefined;

  constructor(
    private readonly lifecycle: SessionLifecycle,
    private readonly scheduler: SchedulerRegistry,
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
  ) {}

  onApplicationBootstrap(): void {
    const period = Math.max(this.config.general.per_user_workflow_cleanup_interval * 1000, 10);
    const interval = setInterval(() => void this.sweep(), period);
    interval.unref();
    this.scheduler.addInterval(IdleSessionEvictor.INTERVAL_NAME, interval);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', IdleSessionEvictor.INTERVAL_NAME)) {
      this.scheduler.deleteInterval(IdleSessionEvictor.INTERVAL_NAME);
    }
  }

  /** One sweep; a sweep still running is joined rather than started twice. */
  sweep(now = Date.now()): Promise<number> {
    this.running ??= this.lifecycle
      .evictIdleSince(now - toMilliseconds(this.config.general.per_user_workflow_timeout))
      .then((evicted) => {
        if (evicted > 0) this.logger.log(`Evicted ${evicted} idle user session(s)`);
        return evicted;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
