import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { HttpMessages } from './http.messages';
import { ReadinessReport, ReadinessStatus } from './readiness/readiness-check.interface';
import { ReadinessRegistry } from './readiness/readiness.registry';

/** A check that has not answered by then counts as down: a probe must get its answer in time. */
const CHECK_TIMEOUT_MS = 2000;

const READINESS_SCHEMA = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'unavailable'] },
    checks: { type: 'object', additionalProperties: { type: 'object', properties: { status: { type: 'string', enum: ['up', 'down'] }, error: { type: 'string' } } } },
  },
};

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Get('health')
  @ApiOperation({ summary: 'Tells that the server is up (liveness)', security: [] })
  @ApiOkResponse({
    description: 'The server is up',
    schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', example: 'healthy' } } },
  })
  health(): { status: string } {
    return { status: 'healthy' };
  }

  @Get('health/ready')
  @ApiOperation({ summary: 'Tells whether the server can serve: every registered readiness check (e.g. the batch store) answers', security: [] })
  @ApiOkResponse({ description: 'Every check is up', schema: READINESS_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'A check is down', schema: READINESS_SCHEMA })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const results = await Promise.all(this.readiness.list().map(async (check) => [check.name, await runCheck(check.check)] as const));
    const report: ReadinessReport = {
      status: results.every(([, result]) => result.status === 'up') ? 'ready' : 'unavailable',
      checks: Object.fromEntries(results),
    };
    void reply.status(report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}

async function runCheck(check: () => Promise<void>): Promise<ReadinessStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(HttpMessages.checkTimedOut(CHECK_TIMEOUT_MS))), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error)?.message ?? String(error) };
  } finally {
    clearTimeout(timer);
  }
}
