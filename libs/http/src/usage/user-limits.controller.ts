import { Body, Controller, Delete, Get, HttpCode, HttpStatus, OnModuleInit, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserBudget, UserLimitsOverride, UserRunAdmission } from '@userscope/llm';
import { ConfigIssue, isMapping, UserDataRegistry, UserscopeHttpError, validateConfigSection } from '@userscope/runtime';
import { AdminRoute } from '../admin/admin-route.decorator';
import { ERROR_SCHEMA_REF } from '../openapi/error-reply.schema';
import { UserLimitsReply } from './dto/user-limits.reply';

/** A body that is not a valid override: 400 `invalid_limits`, each problem with its field. */
class InvalidLimitsError extends UserscopeHttpError {
  constructor(issues: ConfigIssue[]) {
    super(HttpStatus.BAD_REQUEST, {
      code: 'invalid_limits',
      message: `The limits are not valid: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
      details: { errors: issues.map((issue) => ({ field: issue.path, message: issue.message })) },
    });
  }
}

/** A user's own limits over `general.limits`, and what they have used (operator API). */
@ApiTags('usage')
@AdminRoute()
@Controller('api/users/:id/limits')
export class UserLimitsController implements OnModuleInit {
  constructor(
    private readonly budget: UserBudget,
    private readonly runs: UserRunAdmission,
    private readonly userData: UserDataRegistry,
  ) {}

  /** Deleting a user deletes their limits too. */
  onModuleInit(): void {
    this.userData.register({ name: 'limits', deleteUser: async (userId) => ((await this.budget.overrides.delete(userId)) ? 1 : 0) });
  }

  @Get()
  @ApiOperation({ summary: "A user's limits (general.limits with their own over it), what they have used this day and month, what is left, and their runs in flight" })
  @ApiOkResponse({ type: UserLimitsReply })
  async get(@Param('id') userId: string): Promise<UserLimitsReply> {
    const now = new Date();
    const [status, remaining, own, running] = await Promise.all([
      this.budget.status(userId, now),
      this.budget.remaining(userId, now),
      this.budget.overrides.get(userId),
      this.runs.running(userId),
    ]);
    return { user_id: userId, ...status, own: own ?? null, remaining, runs_in_flight: running };
  }

  @Put()
  @ApiOperation({ summary: "Sets a user's own limits, in place of general.limits' for the keys it sets (the others stay the defaults)" })
  @ApiBody({ type: UserLimitsOverride })
  @ApiOkResponse({ type: UserLimitsReply })
  @ApiBadRequestResponse({ description: '`invalid_limits`, each problem with its field', schema: ERROR_SCHEMA_REF })
  async put(@Param('id') userId: string, @Body() body: unknown): Promise<UserLimitsReply> {
    if (!isMapping(body)) throw new InvalidLimitsError([{ path: 'body', message: 'must be a JSON object, e.g. {"tokens_per_day": 50000}' }]);
    const issues: ConfigIssue[] = [];
    const override = validateConfigSection(UserLimitsOverride, body, 'limits', issues);
    if (issues.length > 0) throw new InvalidLimitsError(issues);
    await this.budget.overrides.put(userId, { ...override });
    return this.get(userId);
  }

  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: "Removes a user's own limits: general.limits applies again" })
  @ApiOkResponse({ type: UserLimitsReply })
  async delete(@Param('id') userId: string): Promise<UserLimitsReply> {
    await this.budget.overrides.delete(userId);
    return this.get(userId);
  }
}
