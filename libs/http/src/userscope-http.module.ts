import { Module, OnModuleInit } from '@nestjs/common';
import { ContextIdFactory } from '@nestjs/core';
import { GenerateController } from './generate.controller';
import { GenerateStreamController } from './generate-stream.controller';
import { HealthController } from './health.controller';
import { MonitorController } from './monitor/monitor.controller';
import { AdminGuard } from './admin/admin.guard';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics.registry';
import { IdentityResolver } from './identity/identity.resolver';
import { SessionContextIdStrategy } from './identity/session-context-id.strategy';
import { ChatController } from './chat/chat.controller';
import { ChatCompletionsController } from './chat/chat-completions.controller';

/** The HTTP front end: NAT's routes over the per-user runtime. */
@Module({
  controllers: [
    GenerateController,
    GenerateStreamController,
    ChatController,
    ChatCompletionsController,
    HealthController,
    MonitorController,
    MetricsController,
  ],
  providers: [IdentityResolver, SessionContextIdStrategy, AdminGuard, MetricsRegistry],
  exports: [IdentityResolver, AdminGuard, MetricsRegistry],
})
export class UserscopeHttpModule implements OnModuleInit {
  constructor(private readonly strategy: SessionContextIdStrategy) {}

  onModuleInit(): void {
    ContextIdFactory.apply(this.strategy);
  }
}
