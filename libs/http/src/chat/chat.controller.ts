import { Body, Controller, Header, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ChatRequest, ChatResponse, ChatResponseChunk } from '@userscope/llm';
import { USERSCOPE_CONFIG, UserscopeConfig, WorkflowRunner } from '@userscope/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdentityResolver } from '../identity/identity.resolver';
import { EventStreamOptions, eventStreamOptions, writeEventStream } from '../event-stream.writer';
import { servedModelName } from '../front-end/front-end-config.section';
import { asChatChunks, asServedReply, CHAT_EVENT_STREAM } from './chat-event-stream';
import { ChatWorkflowGuard } from './chat-workflow.guard';

/** NAT's `/chat` and `/chat/stream`: an OpenAI-style chat request to a chat workflow, for the caller. */
@ApiTags('chat')
@Controller('chat')
@UseGuards(ChatWorkflowGuard)
export class ChatController {
  private readonly model: string;
  private readonly stream: EventStreamOptions;

  constructor(
    private readonly runner: WorkflowRunner,
    private readonly identity: IdentityResolver,
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
  ) {
    this.model = servedModelName(config);
    this.stream = eventStreamOptions(config.general);
  }

  @Post()
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: "Sends the caller's chat message to the chat workflow and replies with its answer" })
  @ApiBody({ type: ChatRequest })
  @ApiOkResponse({ type: ChatResponse })
  async chat(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<string> {
    const userId = this.identity.resolve(request, reply);
    const output = (await this.runner.run({ userId }, body)) as ChatResponse;
    return JSON.stringify(asServedReply(output, this.model));
  }

  @Post('stream')
  @ApiOperation({ summary: "The chat workflow's answer as server-sent events: chat.completion.chunk data, then [DONE]" })
  @ApiBody({ type: ChatRequest })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ type: ChatResponseChunk, description: '`data: <chunk>` events, then `data: [DONE]`; the last chunk has the usage' })
  async chatStream(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const userId = this.identity.resolve(request, reply);
    // Input, identity and the caller's run slot (concurrent_runs) are checked before the reply starts, so their errors are ordinary JSON replies.
    const chunks = await this.runner.openStream({ userId }, body, (items) => asChatChunks(items, this.model));
    reply.hijack();
    await writeEventStream(chunks, reply.raw, CHAT_EVENT_STREAM, this.stream);
  }
}
