import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { WorkflowRunner } from '@userscope/runtime';
import type { FastifyRequest } from 'fastify';
import { IdentityResolver } from './identity/identity.resolver';

/** NAT's `/generate`: runs the workflow for the caller. */
@Controller()
export class GenerateController {
  constructor(
    private readonly runner: WorkflowRunner,
    private readonly identity: IdentityResolver,
  ) {}

  @Post('generate')
  @HttpCode(200)
  generate(@Req() request: FastifyRequest, @Body() body: unknown): Promise<unknown> {
    const userId = this.identity.resolve(request.headers);
    return this.runner.run({ userId }, body, () => this.identity.missingIdentity());
  }
}
