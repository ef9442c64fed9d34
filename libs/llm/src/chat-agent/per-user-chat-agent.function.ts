import { randomUUID } from 'node:crypto';
import { FunctionCatalog, Functions, InjectFunctionConfig, PerUserFunction, UserscopeFunction } from '@userscope/runtime';
import { ChatRequest, chatText } from '../dto/chat-request.dto';
import { ChatResponse, ChatResponseChunk, ChatUsage } from '../dto/chat-response.dto';
import { LlmChatRequest, LlmChatResult, LlmMessage, LlmUsage } from '../interfaces/llm.interface';
import { LlmClient } from '../llm.client';
import { LlmRegistry } from '../llm.registry';
import { ChatAgentIterationsError, ChatTurnError } from '../exceptions/chat-agent.exception';
import { ConversationMemory } from './conversation.memory';
import { FunctionTools } from './function-tools';
import { PerUserChatAgentConfig } from './per-user-chat-agent.dto';

/** Between the texts of the rounds of one turn (text, tool calls, more text). */
const ROUND_SEPARATOR = '\n\n';

/**
 * A chat agent per user: the user's conversation is remembered (bounded by messages and tokens),
 * and the model may call the configured functions as tools — per-user ones are the user's own
 * instances, so "add a note" lands in that user's notepad. One turn is the model called until it
 * answers without tool calls, at most `max_iterations` times. A user's turns run one at a time.
 *
 * The new turn of a request is its messages after the last assistant message; the earlier ones
 * (the history an OpenAI-style client resends) are used only when the user has no memory yet.
 */
@PerUserFunction({
  name: 'per_user_chat_agent',
  description: 'A chat agent with its own conversation memory per user, calling the configured functions as tools.',
  config: PerUserChatAgentConfig,
  input: ChatRequest,
  output: ChatResponse,
  streamOutput: ChatResponseChunk,
})
export class PerUserChatAgentFunction implements UserscopeFunction<ChatRequest, ChatResponse | ChatResponseChunk> {
  private readonly llm: LlmClient;
  private readonly tools: FunctionTools;
  private readonly memory: ConversationMemory;
  private turns: Promise<void> = Promise.resolve();

  constructor(
    @InjectFunctionConfig() private readonly config: PerUserChatAgentConfig,
    llms: LlmRegistry,
    catalog: FunctionCatalog,
    private readonly functions: Functions,
  ) {
    this.llm = llms.get(config.llm_name);
    this.tools = new FunctionTools(config.tool_names.map((name) => catalog.get(name)!));
    this.memory = new ConversationMemory({ maxMessages: config.max_history_messages, maxTokens: config.max_history_tokens });
  }

  async invoke(request: ChatRequest, signal?: AbortSignal): Promise<ChatResponse> {
    const release = await this.takeTurn();
    try {
      const turn = this.newTurn(request);
      await this.tools.describeDiscovered(this.functions, signal);
      const usage = emptyUsage();
      const texts: string[] = [];
      let model = this.llm.model;
      for (let round = 0; round < this.config.max_iterations; round++) {
        const result = await this.llm.chat(this.llmRequest(request, turn, signal));
        model = result.model;
        addUsage(usage, result.usage);
        if (result.message.content) texts.push(result.message.content);
        if (await this.handle(result, turn, signal)) {
          this.memory.remember(turn);
          return {
            id: completionId(),
            object: 'chat.completion',
            created: unixTime(),
            model,
            choices: [{ index: 0, message: { role: 'assistant', content: texts.join(ROUND_SEPARATOR) }, finish_reason: result.finishReason }],
            usage,
          };
        }
      }
      throw new ChatAgentIterationsError(this.config.max_iterations);
    } finally {
      release();
    }
  }

  /** The same turn as chunks: text as the model writes it, tool calls run between rounds, usage in the last chunk. */
  async *stream(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatResponseChunk> {
    const release = await this.takeTurn();
    try {
      const turn = this.newTurn(request);
      await this.tools.describeDiscovered(this.functions, signal);
      const id = completionId();
      const created = unixTime();
      let model = this.llm.model;
      const chunk = (delta: ChatResponseChunk['choices'][0]['delta'], finish: string | null = null, usage?: ChatUsage): ChatResponseChunk => ({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, finish_reason: finish }],
        ...(usage ? { usage } : {}),
      });
      yield chunk({ role: 'assistant', content: '' });
      const usage = emptyUsage();
      let wrote = false;
      for (let round = 0; round < this.config.max_iterations; round++) {
        let result: LlmChatResult | undefined;
        let separated = !wrote;
        for await (const event of this.llm.stream(this.llmRequest(request, turn, signal))) {
          if (event.type === 'result') {
            result = event.result;
            continue;
          }
          if (!separated) {
            separated = true;
            yield chunk({ content: ROUND_SEPARATOR });
          }
          wrote = true;
          yield chunk({ content: event.text });
        }
        model = result!.model;
        addUsage(usage, result!.usage);
        if (await this.handle(result!, turn, signal)) {
          this.memory.remember(turn);
          yield chunk({}, result!.finishReason, usage);
          return;
        }
      }
      throw new ChatAgentIterationsError(this.config.max_iterations);
    } finally {
      release();
    }
  }

  /** Adds the reply to the turn and runs its tool calls; true when it is the answer (no tool calls). */
  private async handle(result: LlmChatResult, turn: LlmMessage[], signal: AbortSignal | undefined): Promise<boolean> {
    turn.push(result.message);
    const calls = result.message.tool_calls ?? [];
    for (const call of calls) turn.push(await this.tools.run(call, this.functions, signal));
    return calls.length === 0;
  }

  /** The messages this request adds to the conversation. */
  private newTurn(request: ChatRequest): LlmMessage[] {
    const messages = request.messages.map(
      (message): LlmMessage =>
        message.role === 'assistant'
          ? { role: 'assistant', content: chatText(message.content) }
          : { role: message.role === 'user' ? 'user' : 'system', content: chatText(message.content) },
    );
    if (messages[messages.length - 1].role !== 'user') throw new ChatTurnError();
    if (this.memory.size === 0) return messages;
    const lastAssistant = messages.map((message) => message.role).lastIndexOf('assistant');
    return messages.slice(lastAssistant + 1);
  }

  /** `signal`: the turn's, so that a turn given up on (`general.function_timeout`) stops its LLM call and frees the user's next turn. */
  private llmRequest(request: ChatRequest, turn: LlmMessage[], signal: AbortSignal | undefined): LlmChatRequest {
    return {
      signal,
      messages: [{ role: 'system', content: this.config.system_prompt }, ...this.memory.history(), ...turn],
      tools: this.tools.definitions,
      temperature: request.temperature,
      topP: request.top_p,
      maxTokens: request.max_tokens ?? request.max_completion_tokens,
    };
  }

  /** Waits for the user's previous turn to finish; the returned function ends this one. */
  private async takeTurn(): Promise<() => void> {
    let release!: () => void;
    const previous = this.turns;
    this.turns = new Promise((resolve) => (release = resolve));
    await previous;
    return release;
  }
}

function emptyUsage(): LlmUsage {
  return { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
}

function addUsage(total: LlmUsage, more: LlmUsage): void {
  total.prompt_tokens += more.prompt_tokens;
  total.completion_tokens += more.completion_tokens;
  total.total_tokens += more.total_tokens;
}

function completionId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '')}`;
}

function unixTime(): number {
  return Math.floor(Date.now() / 1000);
}
