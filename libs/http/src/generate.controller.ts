import { Body, Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { WorkflowRunner } from '@userscope/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdentityResolver } from './identity/identity.resolver';

/** NAT's `/generate`: runs the workflow for the caller. */
@ApiTags('workflow')
@Controller()
export class GenerateController {
  constructor(
    private readonly runner: WorkflowRunner,
    private readonly identity: IdentityResolver,
  ) {}

  @Post('generate')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'Runs the workflow for the caller and replies with its output' })
  async generate(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: unknown,
  ): Promise<string> {
    const userId = this.identity.resolve(request, reply);
    const output = await this.runner.run({ userId }, body);
    // Serialised here so that every output is JSON: Fastify sends a string as plain text and rejects a number.
    return JSON.stringify(output ?? null) ?? 'null';
  }
}
