import { randomUUID } from 'node:crypto';
import { FunctionCatalog, Functions, InjectFunctionConfig, PerUserFunction, UserscopeFunction } from '@userscope/runtime';
import { ChatRequest } from '../dto/chat-request.dto';
import { ChatResponse, ChatResponseChunk, ChatUsage } from '../dto/chat-response.dto';
import { LlmChatRequest, LlmChatResult, LlmFinishReason, LlmMessage, LlmTool, LlmToolCall, LlmUsage } from '../interfaces/llm.interface';
import { LlmClient } from '../llm.client';
import { LlmRegistry } from '../llm.registry';
import { ChatAgentIterationsError } from '../exceptions/chat-agent.exception';
import { clientToolsOf, llmMessagesOf, newTurnOf } from './chat-turn';
import { ConversationMemory } from './conversation.memory';
import { FunctionTools } from './function-tools';
import { PerUserChatAgentConfig } from './per-user-chat-agent.dto';
import { ReplyFormat } from './reply-format';

/** Between the texts of the rounds of one turn (text, tool calls, more text). */
const ROUND_SEPARATOR = '\n\n';

/** One request's turn: its new messages, the tools offered, and how the answer must be written. */
interface Turn {
  messages: LlmMessage[];
  tools: LlmTool[];
  clientTools: Set<string>;
  format?: ReplyFormat;
  /** The retry of an invalid structured answer: the reply and what was wrong with it, for the next call only. */
  correction?: LlmMessage[];
  corrected: boolean;
}

/** How a model reply ends a round: it is the answer, the server's tools ran (call again), or the client's tools are called. */
type RoundEnd = { kind: 'answer'; content: string | null } | { kind: 'again' } | { kind: 'client'; calls: LlmToolCall[] };

/**
 * A chat agent per user: the user's conversation is remembered (bounded by messages and tokens),
 * and the model may call the configured functions as tools — per-user ones are the user's own
 * instances, so "add a note" lands in that user's notepad. One turn is the model called until it
 * answers without tool calls, at most `max_iterations` times. A user's turns run one at a time.
 *
 * A request's own `tools` are the client's: the model is offered them next to the configured ones,
 * and a call of one ends the reply with `finish_reason: 'tool_calls'`; the client's next request
 * brings their results (`role: 'tool'`) and the turn goes on. With `response_format`, the answer
 * is JSON, validated (one retry, then StructuredOutputError).
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
        const result = await this.llm.chat(this.llmRequest(request, turn, round, signal));
        model = result.model;
        addUsage(usage, result.usage);
        const end = await this.handle(result, turn, signal);
        if (end.kind === 'again') {
          if (result.message.content && !turn.format) texts.push(result.message.content);
          continue;
        }
        if (result.message.content) texts.push(result.message.content);
        this.memory.remember(turn.messages);
        const content = end.kind === 'answer' && turn.format ? end.content : texts.join(ROUND_SEPARATOR) || (end.kind === 'client' ? null : '');
        const message = { role: 'assistant' as const, content, ...(end.kind === 'client' ? { tool_calls: end.calls } : {}) };
        return {
          id: completionId(),
          object: 'chat.completion',
          created: unixTime(),
          model,
          choices: [{ index: 0, message, finish_reason: finishReason(result, end) }],
          usage,
        };
      }
      throw new ChatAgentIterationsError(this.config.max_iterations);
    } finally {
      release();
    }
  }

  /**
   * The same turn as chunks: text as the model writes it (a structured answer once it is valid), tool
   * calls run between rounds, a client's tool calls as `tool_calls` deltas, usage in the last chunk.
   */
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
        for await (const event of this.llm.stream(this.llmRequest(request, turn, round, signal))) {
          if (event.type === 'result') {
            result = event.result;
            continue;
          }
          // A structured answer is sent once it is valid, whole.
          if (turn.format) continue;
          if (!separated) {
            separated = true;
            yield chunk({ content: ROUND_SEPARATOR });
          }
          wrote = true;
          yield chunk({ content: event.text });
        }
        model = result!.model;
        addUsage(usage, result!.usage);
        const end = await this.handle(result!, turn, signal);
        if (end.kind === 'again') continue;
        this.memory.remember(turn.messages);
        if (end.kind === 'answer' && turn.format && end.content) yield chunk({ content: end.content });
        if (end.kind === 'client') {
          yield chunk({ tool_calls: end.calls.map((call, index) => ({ index, id: call.id, type: 'function', function: call.function })) });
        }
        yield chunk({}, finishReason(result!, end), usage);
        return;
      }
      throw new ChatAgentIterationsError(this.config.max_iterations);
    } finally {
      release();
    }
  }

  /** The request's new messages and tools, checked against the user's conversation. */
  private newTurn(request: ChatRequest): Turn {
    const clientTools = clientToolsOf(request.tools, this.tools.names);
    return {
      messages: newTurnOf(llmMessagesOf(request.messages), this.memory.history()),
      tools: [...this.tools.definitions, ...clientTools],
      clientTools: new Set(clientTools.map((tool) => tool.function.name)),
      format: ReplyFormat.of(request.response_format, this.llm),
      corrected: false,
    };
  }

  /**
   * Adds the reply to the turn and runs the calls of the workflow's tools; a call of a client's tool
   * ends the turn for the client to run it. A structured answer that is not valid is taken back and retried once.
   */
  private async handle(result: LlmChatResult, turn: Turn, signal: AbortSignal | undefined): Promise<RoundEnd> {
    turn.messages.push(result.message);
    const calls = result.message.tool_calls ?? [];
    const clientCalls = calls.filter((call) => turn.clientTools.has(call.function.name));
    for (const call of calls) if (!turn.clientTools.has(call.function.name)) turn.messages.push(await this.tools.run(call, this.functions, signal));
    if (clientCalls.length > 0) return { kind: 'client', calls: clientCalls };
    if (calls.length > 0) return { kind: 'again' };
    if (!turn.format) return { kind: 'answer', content: result.message.content };
    const checked = turn.format.check(result.message.content ?? '', turn.corrected);
    turn.messages.pop();
    if ('retry' in checked) {
      turn.correction = checked.retry;
      turn.corrected = true;
      return { kind: 'again' };
    }
    // What is remembered and answered is the JSON itself.
    turn.messages.push({ role: 'assistant', content: checked.json });
    return { kind: 'answer', content: checked.json };
  }

  /**
   * `tool_choice` holds for the request's first call; after the workflow's tools ran the model is free
   * to answer (`none` stays none). `signal`: the turn's, so that a turn given up on
   * (`general.function_timeout`) stops its LLM call and frees the user's next turn.
   */
  private llmRequest(request: ChatRequest, turn: Turn, round: number, signal: AbortSignal | undefined): LlmChatRequest {
    const choice = request.tool_choice;
    const correction = turn.correction ?? [];
    turn.correction = undefined;
    const call: LlmChatRequest = {
      signal,
      messages: [{ role: 'system', content: this.config.system_prompt }, ...this.memory.history(), ...turn.messages, ...correction],
      tools: turn.tools,
      toolChoice: round === 0 || choice === 'none' ? choice : 'auto',
      parallelToolCalls: request.parallel_tool_calls,
      stop: request.stop,
      temperature: request.temperature,
      topP: request.top_p,
      maxTokens: request.max_tokens ?? request.max_completion_tokens,
    };
    return turn.format ? turn.format.apply(call) : call;
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

function finishReason(result: LlmChatResult, end: RoundEnd): LlmFinishReason {
  return end.kind === 'client' ? 'tool_calls' : result.finishReason;
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
