import { Module, OnModuleInit } from '@nestjs/common';
import { ContextIdFactory } from '@nestjs/core';
import { GenerateController } from './generate.controller';
import { GenerateStreamController } from './generate-stream.controller';
import { HealthController } from './health.controller';
import { MonitorController } from './monitor/monitor.controller';
import { AdminGuard } from './admin/admin.guard';
import { IdentityResolver } from './identity/identity.resolver';
import { SessionContextIdStrategy } from './identity/session-context-id.strategy';

/** The HTTP front end: NAT's routes over the per-user runtime. */
@Module({
  controllers: [GenerateController, GenerateStreamController, HealthController, MonitorController],
  providers: [IdentityResolver, SessionContextIdStrategy, AdminGuard],
  exports: [IdentityResolver, AdminGuard],
})
export class UserscopeHttpModule implements OnModuleInit {
  constructor(private readonly strategy: SessionContextIdStrategy) {}

  onModuleInit(): void {
    ContextIdFactory.apply(this.strategy);
  }
}
