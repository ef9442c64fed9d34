import { Inject, Injectable } from '@nestjs/common';
import { ChatRequest, ChatResponse, ChatResponseChunk } from '@userscope/llm';
import { configSection, createInputParser, FunctionCatalog, IdentityRequiredError, USERSCOPE_CONFIG, UserscopeConfig, WorkflowRunner } from '@userscope/runtime';
import { asChatChunks } from '../chat/chat-event-stream';
import { FRONT_END_CONFIG_SECTION, servedModelName } from '../front-end/front-end-config.section';
import { ResponseInputItem, ResponseObject } from './dto/response-object.dto';
import { ResponseRequestItem, ResponsesRequest } from './dto/responses-request.dto';
import { ResponseItemNotFoundError, ResponseNotFoundError } from './exceptions/response-not-found.exception';
import { chatRequestOf } from './response-conversation';
import { newResponseId, responseIdOfItem } from './response-ids';
import { responseEvents, ResponseStreamEvent } from './response-event-stream';
import { responseOf, responseShell } from './response-output';
import { RESPONSE_STORE, ResponseStore } from './store/response-store.interface';

/** A request made ready to run: its chat request, and what storing the response needs. */
export interface PreparedResponse {
  userId: string;
  request: ResponsesRequest;
  chat: ChatRequest;
  shell: ResponseObject;
  input: ResponseInputItem[];
}

/**
 * OpenAI's Responses API over the chat workflow, for one user at a time: a request's conversation
 * is the chain of the user's stored responses it continues, then its own items; its answer is stored
 * under that user (`store`, default true), where no other user finds it.
 */
@Injectable()
export class ResponsesService {
  private readonly model: string;
  private readonly parse = createInputParser('responses', ResponsesRequest);
  /** The longest chain walked back: no user has more stored responses than this. */
  private readonly maxChain: number;

  constructor(
    private readonly runner: WorkflowRunner,
    private readonly catalog: FunctionCatalog,
    @Inject(RESPONSE_STORE) private readonly store: ResponseStore,
    @Inject(USERSCOPE_CONFIG) config: UserscopeConfig,
  ) {
    this.model = servedModelName(config);
    this.maxChain = configSection(config, FRONT_END_CONFIG_SECTION).responses_max_per_user;
  }

  /** Checks the body (400 saying what is wrong) and resolves what it continues (404 for what is not the caller's). */
  async prepare(caller: string | undefined, body: unknown): Promise<PreparedResponse> {
    const userId = this.ownerOf(caller);
    const request = this.parse(body) as ResponsesRequest;
    const history = request.previous_response_id ? await this.conversationOf(userId, request.previous_response_id) : [];
    const input = await this.resolveItems(userId, request.input);
    const shell = responseShell(newResponseId(), request, this.model);
    return { userId, request, chat: chatRequestOf(request, history, input), shell, input };
  }

  async respond(prepared: PreparedResponse): Promise<ResponseObject> {
    const reply = (await this.runner.run({ userId: prepared.userId }, prepared.chat)) as ChatResponse;
    const response = responseOf(prepared.shell, reply);
    await this.keep(prepared, response);
    return response;
  }

  /** The response as events; the chat request and the caller's run slot are checked first, so their errors can still be answered with a status. */
  stream(prepared: PreparedResponse): Promise<AsyncIterable<ResponseStreamEvent>> {
    return this.runner.openStream({ userId: prepared.userId }, prepared.chat, (items) =>
      responseEvents(asChatChunks(items, this.model) as AsyncIterable<ChatResponseChunk>, prepared.shell, (response) => this.keep(prepared, response)),
    );
  }

  async get(caller: string | undefined, id: string): Promise<ResponseObject> {
    const stored = await this.store.get(this.ownerOf(caller), id);
    if (!stored) throw new ResponseNotFoundError(id);
    return stored.response;
  }

  async delete(caller: string | undefined, id: string): Promise<void> {
    if (!(await this.store.delete(this.ownerOf(caller), id))) throw new ResponseNotFoundError(id);
  }

  /** Stored responses belong to a user: a caller without an identity gets the identity mode's 401. */
  private ownerOf(userId: string | undefined): string {
    if (!userId) throw new IdentityRequiredError(this.catalog.workflow.name);
    return userId;
  }

  private async keep(prepared: PreparedResponse, response: ResponseObject): Promise<void> {
    if (response.store) await this.store.save(prepared.userId, { response, input: prepared.input });
  }

  /**
   * The conversation up to and including the user's response `id`: each stored response's input and
   * output, oldest first. `id` itself must be theirs (404); an older link that expired ends the walk.
   */
  private async conversationOf(userId: string, id: string): Promise<ResponseInputItem[]> {
    const chain: ResponseInputItem[][] = [];
    let next: string | null = id;
    while (next && chain.length < this.maxChain) {
      const stored = await this.store.get(userId, next);
      if (!stored) {
        if (next === id) throw new ResponseNotFoundError(id, 'previous_response_id');
        break;
      }
      chain.unshift([...stored.input, ...stored.response.output]);
      next = stored.response.previous_response_id;
    }
    return chain.flat();
  }

  /** The request's input as items: a string is the user's message; an item_reference is the caller's stored item it names. */
  private async resolveItems(userId: string, input: string | ResponseRequestItem[]): Promise<ResponseInputItem[]> {
    if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
    const items: ResponseInputItem[] = [];
    for (const [index, item] of input.entries()) {
      if (item.type !== 'item_reference') {
        items.push(item);
        continue;
      }
      const responseId = responseIdOfItem(item.id);
      const stored = responseId && (await this.store.get(userId, responseId));
      const found = stored && stored.response.output.find((output) => output.id === item.id);
      if (!found) throw new ResponseItemNotFoundError(item.id, `input[${index}]`);
      items.push(found);
    }
    return items;
  }
}
