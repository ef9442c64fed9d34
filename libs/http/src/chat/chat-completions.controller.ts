import { Body, Controller, Inject, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ChatRequest, ChatResponse } from '@userscope/llm';
import { USERSCOPE_CONFIG, UserscopeConfig, WorkflowRunner } from '@userscope/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdentityResolver } from '../identity/identity.resolver';
import { EventStreamOptions, eventStreamOptions, writeEventStream } from '../event-stream.writer';
import { servedModelName } from '../front-end/front-end-config.section';
import { asChatChunks, asServedReply, CHAT_EVENT_STREAM } from './chat-event-stream';
import { ChatWorkflowGuard } from './chat-workflow.guard';
import { OpenAiErrorFilter } from './openai-error.filter';
import { OPENAI_ROUTE_PREFIX } from './openai-routes.explorer';

/**
 * OpenAI's `POST /v1/chat/completions` over the chat workflow, so that any OpenAI client library
 * pointed at Userscope (`baseURL: <server>/v1`) talks to the caller's own agent. Errors in OpenAI's shape.
 */
@ApiTags('chat')
@Controller(OPENAI_ROUTE_PREFIX)
@UseGuards(ChatWorkflowGuard)
@UseFilters(OpenAiErrorFilter)
export class ChatCompletionsController {
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

  @Post('chat/completions')
  @ApiOperation({ summary: 'OpenAI-compatible chat completions; `stream: true` answers with chunks, then `data: [DONE]`' })
  @ApiBody({ type: ChatRequest })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: ChatResponse, description: 'A chat.completion; with `stream: true`, chat.completion.chunk events, the usage in the last' })
  async completions(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const userId = this.identity.resolve(request, reply);
    if ((body as { stream?: unknown } | null)?.stream === true) {
      const chunks = await this.runner.openStream({ userId }, body, (items) => asChatChunks(items, this.model));
      reply.hijack();
      await writeEventStream(chunks, reply.raw, CHAT_EVENT_STREAM, this.stream);
      return;
    }
    const output = (await this.runner.run({ userId }, body)) as ChatResponse;
    void reply.status(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(asServedReply(output, this.model)));
  }
}
