import { Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import {
  FunctionCatalog,
  SessionBackends,
  SessionLifecycle,
  SessionRegistry,
  USERSCOPE_CONFIG,
  UserscopeConfig,
  UserscopeHttpError,
} from '@userscope/runtime';
import { AdminGuard } from '../admin/admin.guard';
import { AdminMessages } from '../admin/admin.messages';
import { userMonitorEntry, UsersMonitorReply } from './user-monitor.view';
import { UserEndReply } from './dto/user-end.reply';
import { assertMonitoringEnabled } from './monitoring-enabled.check';

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
    private readonly backends: SessionBackends,
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
  @ApiOperation({
    summary:
      "End a user's session: waits up to shutdown_grace_period for its requests, then its cleanup runs; with ?purge=true, then deletes their saved state (admin)",
  })
  @ApiQuery({ name: 'purge', required: false, type: Boolean, description: 'Also delete the saved state (general.session_state: redis), so the user starts fresh; works without a session too' })
  @ApiOkResponse({ type: UserEndReply, description: 'The session ended (and, with ?purge=true, the saved state is gone)' })
  @ApiBadRequestResponse({ description: '`bad_request`: ?purge= is neither true nor false', schema: { $ref: '#/components/schemas/Error' } })
  @ApiNotFoundResponse({ description: '`not_found`: no session for the user (and nothing to purge), or monitoring disabled', schema: { $ref: '#/components/schemas/Error' } })
  async end(@Param('user_id') userId: string, @Query('purge') purgeFlag?: string): Promise<UserEndReply> {
    this.assertEnabled();
    const purge = parsePurgeFlag(purgeFlag);
    const purging = purge && this.backends.state.persistent;
    const session = purging ? this.registry.get(userId) : this.sessionOf(userId);
    // A hung request must not hold the operator's call: past the bound the session ends anyway.
    const report = session ? await this.lifecycle.end(session, { drainTimeoutMs: this.config.general.shutdown_grace_period * 1000 }) : undefined;
    // After the end: the session's last checkpoint is written by then, and cannot bring the state back.
    if (purging) await this.backends.state.purge(userId);
    return {
      user_id: userId,
      ended: report !== undefined,
      disposed: report?.disposed ?? 0,
      cleanup_errors: report?.errors.length ?? 0,
      abandoned_requests: report?.abandonedRequests ?? 0,
      purged: purging,
    };
  }

  private sessionOf(userId: string) {
    const session = this.registry.get(userId);
    if (!session) throw new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'not_found', message: AdminMessages.noSuchUser(userId) });
    return session;
  }

  private assertEnabled(): void {
    assertMonitoringEnabled(this.config);
  }
}

/** `?purge=`: absent or false, true. */
function parsePurgeFlag(value: string | undefined): boolean {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1' || value === '') return true;
  throw new UserscopeHttpError(HttpStatus.BAD_REQUEST, { code: 'bad_request', message: AdminMessages.badPurgeFlag(value) });
}
