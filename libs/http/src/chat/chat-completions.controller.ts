import { Body, Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ChatRequest, ChatResponse } from '@userscope/llm';
import { FunctionCatalog, WorkflowRunner } from '@userscope/runtime';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdentityResolver } from '../identity/identity.resolver';
import { writeEventStream } from '../event-stream.writer';
import { asChatChunks, CHAT_EVENT_STREAM } from './chat-event-stream';
import { ChatWorkflowGuard } from './chat-workflow.guard';
import { OpenAiErrorFilter } from './openai-error.filter';
import { ModelListReply } from './dto/model-list.reply';

/**
 * OpenAI's `POST /v1/chat/completions` over the chat workflow, so that any OpenAI client library
 * pointed at Userscope (`baseURL: <server>/v1`) talks to the caller's own agent. Errors in OpenAI's shape.
 */
@ApiTags('chat')
@Controller('v1')
@UseGuards(ChatWorkflowGuard)
@UseFilters(OpenAiErrorFilter)
export class ChatCompletionsController {
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(
    private readonly runner: WorkflowRunner,
    private readonly identity: IdentityResolver,
    private readonly catalog: FunctionCatalog,
  ) {}

  @Get('models')
  // Public: every user sees the same list.
  @ApiOperation({ summary: 'OpenAI-compatible model list: the chat workflow (clients that list models before chatting)', security: [] })
  @ApiOkResponse({ type: ModelListReply })
  models(): ModelListReply {
    return { object: 'list', data: [{ id: this.catalog.workflow.type.name, object: 'model', created: this.startedAt, owned_by: 'userscope' }] };
  }

  @Post('chat/completions')
  @ApiOperation({ summary: 'OpenAI-compatible chat completions; `stream: true` answers with chunks, then `data: [DONE]`' })
  @ApiBody({ type: ChatRequest })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: ChatResponse, description: 'A chat.completion; with `stream: true`, chat.completion.chunk events, the usage in the last' })
  async completions(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const userId = this.identity.resolve(request, reply);
    if ((body as { stream?: unknown } | null)?.stream === true) {
      const chunks = this.runner.stream({ userId }, body);
      reply.hijack();
      await writeEventStream(asChatChunks(chunks), reply.raw, CHAT_EVENT_STREAM);
      return;
    }
    const output = await this.runner.run({ userId }, body);
    void reply.status(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(output));
  }
}
