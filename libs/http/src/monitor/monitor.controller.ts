import { Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { FunctionCatalog, SessionBackends, SessionLifecycle, SessionRegistry, USERSCOPE_CONFIG, UserDataRegistry, UserscopeConfig, UserscopeHttpError, toMilliseconds } from '@userscope/runtime';
import { AdminRoute } from '../admin/admin-route.decorator';
import { ERROR_SCHEMA_REF } from '../openapi/error-reply.schema';
import { AdminMessages } from '../admin/admin.messages';
import { UserBudget, UserRunAdmission } from '@userscope/llm';
import { userMonitorEntry } from './user-monitor.view';
import { userMonitorBudget } from './user-monitor.budget';
import { UsersMonitorReply } from './dto/users-monitor.dto';
import { MonitorBackends } from './monitor-backends';
import { UserEndReply } from './dto/user-end.reply';
import { assertMonitoringEnabled } from './monitoring-enabled.check';
import { jsonListStream } from './json-list.stream';

/** `?scope=`: the whole cluster (the default), or this replica alone (what replicas ask each other). */
const MONITOR_SCOPES = ['cluster', 'local'] as const;

/** NAT's per-user monitor, closed to the world (see AdminGuard). */
@ApiTags('monitor')
@AdminRoute()
@Controller('monitor/users')
export class MonitorController {
  constructor(
    private readonly registry: SessionRegistry,
    private readonly lifecycle: SessionLifecycle,
    private readonly catalog: FunctionCatalog,
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
    private readonly backends: MonitorBackends,
    private readonly sessionBackends: SessionBackends,
    private readonly userData: UserDataRegistry,
    private readonly budget: UserBudget,
    private readonly runs: UserRunAdmission,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Per-user sessions, requests, memory, LLM usage and spend, and remaining budgets (admin)',
    description:
      'In cluster mode, the users of every live replica, each with its `replica`: this replica asks the others ' +
      '(passing the Authorization header on), and lists those that did not answer in time under `missing_replicas`.',
  })
  @ApiQuery({ name: 'user_id', required: false, description: 'Only this user' })
  @ApiQuery({ name: 'scope', required: false, enum: MONITOR_SCOPES, description: 'Cluster mode: `local` lists this replica alone' })
  @ApiOkResponse({ type: UsersMonitorReply })
  async users(
    @Query('user_id') userId: string | undefined,
    @Query('scope') scope: string | undefined,
    // Read from the request, not @Headers(): the admin token is the bearer scheme, not a parameter of the route.
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    this.assertEnabled();
    if (scope !== undefined && !(MONITOR_SCOPES as readonly string[]).includes(scope)) {
      throw new UserscopeHttpError(HttpStatus.BAD_REQUEST, { code: 'bad_request', message: AdminMessages.badScope(scope, MONITOR_SCOPES) });
    }
    const cluster = this.backends.cluster;
    const groups = this.catalog.perUserGroupCount;
    const here = userId === undefined ? [...this.registry.values()] : [this.registry.get(userId)].filter((session) => session !== undefined);
    const shared = this.catalog.sharedGroupInstances();
    const entryOf = async (session: (typeof here)[number]) => {
      const entry = userMonitorEntry(session, groups, cluster?.replicaId, shared);
      const budget = await userMonitorBudget(session.userId, this.budget, this.runs);
      return budget ? { ...entry, budget } : entry;
    };
    const timestamp = new Date().toISOString();
    // A replica asked by another answers for itself: a user it does not hold is no error.
    const peers = cluster && scope !== 'local' ? await cluster.peerUsers({ userId, authorization: request.headers.authorization }) : undefined;
    // Not found is said only when every replica answered.
    if (userId !== undefined && here.length === 0 && (peers ? peers.users.length === 0 && peers.missing.length === 0 : !cluster)) throw noSuchUser(userId);
    // The keys in UsersMonitorReply's order; users streamed, a slice per turn of the event loop.
    const total = this.registry.size + (peers?.totalActiveUsers ?? 0);
    const head = `{"timestamp":${JSON.stringify(timestamp)},"total_active_users":${total},"users":[`;
    const tail = peers ? `],"missing_replicas":${JSON.stringify(peers.missing)}}` : ']}';
    const theirs = peers?.users ?? [];
    const build = (index: number) => (index < here.length ? entryOf(here[index]) : theirs[index - here.length]);
    void reply.header('content-type', 'application/json; charset=utf-8').send(jsonListStream(head, here.length + theirs.length, build, tail));
  }

  @Delete(':user_id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      "End a user's session: waits up to shutdown_grace_period for its requests, then its cleanup runs; with ?purge=true, then deletes their saved state and what else is kept of them (their secrets) (admin)",
  })
  @ApiQuery({ name: 'purge', required: false, type: Boolean, description: 'Also delete the saved state (general.session_state: redis) and what else is kept of the user (secrets, verified claims), so the user starts fresh; works without a session too' })
  @ApiOkResponse({ type: UserEndReply, description: 'The session ended (and, with ?purge=true, the saved state is gone)' })
  @ApiBadRequestResponse({ description: '`bad_request`: ?purge= is neither true nor false', schema: ERROR_SCHEMA_REF })
  @ApiNotFoundResponse({ description: '`not_found`: no session for the user (and, with ?purge=true, nothing kept of them), or monitoring disabled', schema: ERROR_SCHEMA_REF })
  async end(@Param('user_id') userId: string, @Query('purge') purgeFlag?: string): Promise<UserEndReply> {
    this.assertEnabled();
    const state = this.sessionBackends.state;
    const purge = parsePurgeFlag(purgeFlag);
    const purging = purge && state.persistent;
    const session = purge ? this.registry.get(userId) : this.sessionOf(userId);
    // A hung request must not hold the operator's call: past the bound the session ends anyway.
    const report = session ? await this.lifecycle.end(session, { drainTimeoutMs: toMilliseconds(this.config.general.shutdown_grace_period) }) : undefined;
    // After the end: the session's last checkpoint is written by then, and cannot bring the state back.
    if (purging) await state.purge(userId);
    // The rest of what is kept of the user (their secrets, their verified claims) goes too.
    const deleted = purge ? await this.userData.deleteUser(userId) : 0;
    if (!session && !purging && deleted === 0) throw noSuchUser(userId);
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
    if (!session) throw noSuchUser(userId);
    return session;
  }

  private assertEnabled(): void {
    assertMonitoringEnabled(this.config);
  }
}

function noSuchUser(userId: string): UserscopeHttpError {
  return new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'not_found', message: AdminMessages.noSuchUser(userId) });
}

/** `?purge=`: absent or false, true. */
function parsePurgeFlag(value: string | undefined): boolean {
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1' || value === '') return true;
  throw new UserscopeHttpError(HttpStatus.BAD_REQUEST, { code: 'bad_request', message: AdminMessages.badPurgeFlag(value) });
}
