import { Controller, Get, HttpStatus, Inject, Param } from '@nestjs/common';
import { ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import {
  FunctionCatalog,
  functionGroupToken,
  functionToken,
  InvalidSessionIdError,
  SESSION_ID_PATTERN,
  SessionBackends,
  USERSCOPE_CONFIG,
  UserscopeConfig,
  UserscopeHttpError,
} from '@userscope/runtime';
import { AdminRoute } from '../admin/admin-route.decorator';
import { ERROR_SCHEMA_REF } from '../openapi/error-reply.schema';
import { AdminMessages } from '../admin/admin.messages';
import { UserStateReply } from './dto/user-state.reply';
import { assertMonitoringEnabled } from './monitoring-enabled.check';

/** A user's saved state, for an admin (`general.session_state: redis`). */
@ApiTags('monitor')
@AdminRoute()
@Controller('monitor/users')
export class UserStateController {
  /** Configured names by provider key: what the store keys states by is the runtime's DI token. */
  private readonly names: Map<string, string>;

  constructor(
    private readonly backends: SessionBackends,
    catalog: FunctionCatalog,
    @Inject(USERSCOPE_CONFIG) private readonly config: UserscopeConfig,
  ) {
    this.names = new Map(catalog.perUser.map((fn) => (fn.group ? [functionGroupToken(fn.group), fn.group] : [functionToken(fn.name), fn.name])));
  }

  @Get(':user_id/state')
  @ApiOperation({ summary: "A user's saved state: each stateful per-user function's, as restored on their next build (admin)" })
  @ApiOkResponse({ type: UserStateReply, description: "The user's saved state" })
  @ApiNotFoundResponse({ description: '`no_saved_state`: nothing saved for the user (never, purged, or expired); `not_found`: monitoring disabled', schema: ERROR_SCHEMA_REF })
  @ApiConflictResponse({ description: '`session_state_not_kept`: general.session_state is memory, so no state is saved', schema: ERROR_SCHEMA_REF })
  @ApiServiceUnavailableResponse({ description: '`state_store_unavailable`: the Redis that keeps the states did not answer', schema: ERROR_SCHEMA_REF })
  async state(@Param('user_id') userId: string): Promise<UserStateReply> {
    assertMonitoringEnabled(this.config);
    if (!SESSION_ID_PATTERN.test(userId)) throw new InvalidSessionIdError(SESSION_ID_PATTERN.source);
    const store = this.backends.state;
    if (!store.persistent) throw new UserscopeHttpError(HttpStatus.CONFLICT, { code: 'session_state_not_kept', message: AdminMessages.stateNotKept() });
    const saved = store.inspect ? await store.inspect(userId) : { states: await store.load(userId), token: 0, expiresInMs: undefined };
    if (!saved || saved.states.size === 0) throw new UserscopeHttpError(HttpStatus.NOT_FOUND, { code: 'no_saved_state', message: AdminMessages.noSavedState(userId) });
    return {
      user_id: userId,
      states: Object.fromEntries([...saved.states].map(([key, state]) => [this.names.get(key) ?? key, state])),
      token: saved.token,
      expires_at: saved.expiresInMs === undefined ? null : new Date(Date.now() + saved.expiresInMs).toISOString(),
    };
  }
}
