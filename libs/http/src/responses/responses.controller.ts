import { Body, Controller, Delete, Get, Inject, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IdentityResolver } from '../identity/identity.resolver';
import { EventStreamOptions, eventStreamOptions, writeEventStream } from '../event-stream.writer';
import { USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { ChatWorkflowGuard } from '../chat/chat-workflow.guard';
import { OpenAiErrorFilter } from '../chat/openai-error.filter';
import { OPENAI_ROUTE_PREFIX } from '../chat/openai-routes.explorer';
import { ResponseDeleted, ResponseObject } from './dto/response-object.dto';
import { ResponsesRequest } from './dto/responses-request.dto';
import { RESPONSE_EVENT_STREAM } from './response-event-stream';
import { ResponsesService } from './responses.service';

const NOT_YOURS = "`response_not_found`, in OpenAI's error shape: never stored, expired, deleted, or another user's";

/**
 * OpenAI's Responses API (`POST /v1/responses`, the default of the AI SDK and of newer OpenAI
 * clients) over the chat workflow, as the caller's user; stored responses are the caller's alone.
 */
@ApiTags('chat')
@Controller(OPENAI_ROUTE_PREFIX)
@UseGuards(ChatWorkflowGuard)
@UseFilters(OpenAiErrorFilter)
export class ResponsesController {
  private readonly stream: EventStreamOptions;

  constructor(
    private readonly responses: ResponsesService,
    private readonly identity: IdentityResolver,
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
  ) {
    this.stream = eventStreamOptions(config.general);
  }

  @Post('responses')
  @ApiOperation({ summary: 'OpenAI-compatible Responses API; `stream: true` answers with the Responses events, response.completed last' })
  @ApiBody({ type: ResponsesRequest })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: ResponseObject, description: 'A response; with `stream: true`, its events (response.created, output deltas, response.completed with the usage)' })
  @ApiNotFoundResponse({ description: `previous_response_id or an item_reference names no response of yours: ${NOT_YOURS}` })
  async create(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const userId = this.identity.resolve(request, reply);
    const prepared = await this.responses.prepare(userId, body);
    if (prepared.request.stream === true) {
      const events = await this.responses.stream(prepared);
      reply.hijack();
      await writeEventStream(events, reply.raw, RESPONSE_EVENT_STREAM, this.stream);
      return;
    }
    const response = await this.responses.respond(prepared);
    void reply.status(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(response));
  }

  @Get('responses/:id')
  @ApiOperation({ summary: 'One of your stored responses' })
  @ApiOkResponse({ type: ResponseObject })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  async get(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id') id: string): Promise<ResponseObject> {
    return this.responses.get(this.identity.resolve(request, reply), id);
  }

  @Delete('responses/:id')
  @ApiOperation({ summary: 'Deletes one of your stored responses' })
  @ApiOkResponse({ type: ResponseDeleted })
  @ApiNotFoundResponse({ description: NOT_YOURS })
  async delete(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Param('id') id: string): Promise<ResponseDeleted> {
    await this.responses.delete(this.identity.resolve(request, reply), id);
    return { id, object: 'response', deleted: true };
  }
}
