import { Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  FunctionCatalog,
  SessionLifecycle,
  SessionRegistry,
  USERSCOPE_CONFIG,
  UserscopeConfig,
  UserscopeHttpError,
} from '@userscope/runtime';
import { AdminGuard } from '../admin/admin.guard';
import { AdminMessages } from '../admin/admin.messages';
import { userMonitorEntry, UsersMonitorReply } from './user-monitor.view';

/** NAT's per-user monitor, closed to the world (see AdminGuard). */
@ApiTags('monitor')
@ApiBearerAuth()
@Controller('monitor/users')
@UseGuards(AdminGuard)
export class MonitorController {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly lifecycle: SessionLifecycle,
    private readonly catalog: FunctionCatalog,
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Per-user sessions, requests, memory and LLM usage (admin)' })
  @ApiQuery({ name: 'user_id', required: false, description: 'Only this user' })
  users(@Query('user_id') userId?: string): UsersMonitorReply {
    this.assertEnabled();
    const groups = this.catalog.perUserGroupCount;
    const sessions = userId === undefined ? [...this.registry.values()] : [this.sessionOf(userId)];
    return {
      timestamp: new Date().toISOString(),
      total_active_users: this.registry.size,
      users: sessions.map((session) => userMonitorEntry(session, groups)),
    };
  }

  @Delete(':user_id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: "End a user's session: waits up to shutdown_grace_period for its requests, then its cleanup runs (admin)" })
  async end(
    @Param('user_id') userId: string,
  ): Promise<{ user_id: string; ended: boolean; disposed: number; cleanup_errors: number; abandoned_requests: number }> {
    this.assertEnabled();
    // A hung request must not hold the operator's call: past the bound the session ends anyway.
    const report = await this.lifecycle.end(this.sessionOf(userId), { drainTimeoutMs: this.config.general.shutdown_grace_period * 1000 });
    return { user_id: userId, ended: true, disposed: report.disposed, cleanup_errors: report.errors.length, abandoned_requests: report.abandonedRequests };
  }

  private sessionOf(userId: string) {
    const session = this.registry.get(userId);
    if (!session) throw new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'not_found', message: AdminMessages.noSuchUser(userId) });
    return session;
  }

  private assertEnabled(): void {
    if (!this.config.general.enable_per_user_monitoring) {
      throw new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'not_found', message: AdminMessages.monitoringDisabled() });
    }
  }
}
