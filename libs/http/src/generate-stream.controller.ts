import { Body, Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { USERSCOPE_CONFIG, UserscopeConfig, WorkflowRunner } from '@userscope/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdentityResolver } from './identity/identity.resolver';
import { EventStreamOptions, eventStreamOptions, writeEventStream } from './event-stream.writer';

/** NAT's `/generate/stream`: the workflow's output as server-sent events. */
@ApiTags('workflow')
@Controller()
export class GenerateStreamController {
  private readonly stream: EventStreamOptions;

  constructor(
    private readonly runner: WorkflowRunner,
    private readonly identity: IdentityResolver,
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
  ) {
    this.stream = eventStreamOptions(config.general);
  }

  @Post('generate/stream')
  @ApiOperation({ summary: "Streams the workflow's output for the caller as server-sent events" })
  async generateStream(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const userId = this.identity.resolve(request, reply);
    // Input and identity are checked before the reply starts, so their errors are ordinary JSON replies.
    // So are the caller's limits (concurrent_runs): the run's slot is taken before the stream starts.
    const chunks = await this.runner.openStream({ userId }, body);
    reply.hijack();
    await writeEventStream(chunks, reply.raw, undefined, this.stream);
  }
}
