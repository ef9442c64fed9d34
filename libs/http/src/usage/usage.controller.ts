import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ERROR_SCHEMA_REF } from '../openapi/error-reply.schema';
import { UsageReportReply } from './dto/usage-report.reply';
import { summarizeUsage, UsageLedger, usageCsv, UsageReport } from '@userscope/llm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminRoute } from '../admin/admin-route.decorator';
import { IdentityResolver } from '../identity/identity.resolver';
import { UsageForbiddenError } from './usage-forbidden.exception';
import { parseUsageQuery, UsageQuery } from './usage.query';

const QUERY_DOCS = [
  { name: 'from', required: false, description: 'ISO 8601 date or time (UTC); default 30 days before `to`' },
  { name: 'to', required: false, description: 'ISO 8601 date or time (UTC); default now' },
  { name: 'group_by', required: false, enum: ['user', 'day', 'model', 'run'] },
  { name: 'format', required: false, enum: ['json', 'csv'] },
];

/** Sends a usage report as JSON or CSV. */
async function answer(ledger: UsageLedger, query: UsageQuery, reply: FastifyReply): Promise<void> {
  const report: UsageReport = await summarizeUsage(ledger.records(query.from, query.to), query);
  if (query.format === 'csv') {
    void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="usage.csv"').send(usageCsv(report));
  } else {
    void reply.send(report);
  }
}

/**
 * `GET /api/usage`: LLM usage fit for billing, summed from the per-call records: tokens (prompt,
 * completion, cached, total), calls and cost, by user, day, model or run (operator API).
 */
@ApiTags('usage')
@AdminRoute()
@Controller('api/usage')
export class UsageController {
  constructor(private readonly ledger: UsageLedger) {}

  @Get()
  @ApiOperation({ summary: 'LLM usage and cost per user, day, model or run, from the per-call records (JSON or CSV)' })
  @ApiOkResponse({ type: UsageReportReply, description: 'The report; as text/csv with `format=csv`' })
  @ApiBadRequestResponse({ description: '`invalid_usage_query`, naming the parameter', schema: ERROR_SCHEMA_REF })
  @ApiProduces('application/json', 'text/csv')
  @ApiQuery({ name: 'user_id', required: false, description: 'only this user\'s calls' })
  @ApiQuery(QUERY_DOCS[0]) @ApiQuery(QUERY_DOCS[1]) @ApiQuery(QUERY_DOCS[2]) @ApiQuery(QUERY_DOCS[3])
  async usage(@Query() raw: Record<string, unknown>, @Res() reply: FastifyReply): Promise<void> {
    await answer(this.ledger, parseUsageQuery(raw, this.ledger.retentionSeconds, 'user'), reply);
  }
}

/** `GET /me/usage`: the caller's own usage, in identity modes that verify who the caller is. */
@ApiTags('usage')
@Controller('me/usage')
export class MyUsageController {
  constructor(
    private readonly ledger: UsageLedger,
    private readonly identity: IdentityResolver,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's own LLM usage and cost, by day, model or run (verified identity modes only)" })
  @ApiOkResponse({ type: UsageReportReply, description: 'The report; as text/csv with `format=csv`' })
  @ApiBadRequestResponse({ description: '`invalid_usage_query`, naming the parameter', schema: ERROR_SCHEMA_REF })
  @ApiForbiddenResponse({ description: '`identity_not_verified`: the identity mode does not verify callers', schema: ERROR_SCHEMA_REF })
  @ApiProduces('application/json', 'text/csv')
  @ApiQuery(QUERY_DOCS[0]) @ApiQuery(QUERY_DOCS[1]) @ApiQuery(QUERY_DOCS[2]) @ApiQuery(QUERY_DOCS[3])
  async usage(@Query() raw: Record<string, unknown>, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    // A cookie anyone can set names no one: another user's usage must not be one header away.
    if (!this.identity.security.verified) throw new UsageForbiddenError();
    const userId = this.identity.resolve(request);
    if (userId === undefined) throw this.identity.missingIdentity();
    const { user_id: _ignored, ...own } = raw;
    await answer(this.ledger, { ...parseUsageQuery(own, this.ledger.retentionSeconds, 'day'), userId }, reply);
  }
}
