import { toMilliseconds } from '@userscope/runtime';
import type OpenAI from 'openai';
import type { APIError } from 'openai';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { OpenAiLlmConfig, StructuredOutputMode } from '../config/openai-llm.config';
import {
  LlmAuthenticationError,
  LlmConnectionError,
  LlmError,
  LlmModelNotFoundError,
  LlmRateLimitError,
  LlmRequestError,
  LlmServerError,
  LlmTimeoutError,
} from '../exceptions/llm.exception';
import {
  LlmChatRequest,
  LlmFinishReason,
  LlmProvider,
  LlmToolCall,
  LlmUsage,
  ProviderReply,
  ProviderStreamEvent,
} from '../interfaces/llm.interface';
import { LlmMessages } from '../llm.messages';
import { parseRetryAfter } from '../retry.policy';
import { keepAliveFetch } from './keep-alive.fetch';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

type OpenAiSdk = typeof import('openai');
let sdk: OpenAiSdk | undefined;
/** The `openai` package, loaded when the first `_type: openai` LLM is built: a config without one starts without its 150 files. */
function openAiSdk(): OpenAiSdk {
  sdk ??= require('openai') as OpenAiSdk;
  return sdk;
}

/**
 * `_type: openai`, on the official `openai` client. The client's own retries are off: the
 * LlmClient's RetryPolicy decides, the same way for every LLM type, from the errors mapped here.
 */
export class OpenAiLlm implements LlmProvider {
  readonly model: string;
  readonly structuredOutput: StructuredOutputMode;
  readonly baseUrl: string;
  private readonly client: OpenAI;

  constructor(
    private readonly name: string,
    private readonly config: OpenAiLlmConfig,
  ) {
    this.model = config.model_name;
    this.baseUrl = config.base_url ?? OPENAI_DEFAULT_BASE_URL;
    this.structuredOutput = config.structured_output;
    this.client = new (openAiSdk().default)({ apiKey: config.api_key, baseURL: this.baseUrl, maxRetries: 0, timeout: toMilliseconds(config.timeout), fetch: keepAliveFetch() });
  }

  async complete(request: LlmChatRequest): Promise<ProviderReply> {
    // The client's timeout ends when the headers arrive; this one also covers a body that stalls.
    const deadline = new AttemptDeadline(toMilliseconds(this.config.timeout), request.signal);
    try {
      const completion = await this.client.chat.completions.create({ ...this.params(request), stream: false }, { signal: deadline.signal });
      return this.readCompletion(completion);
    } catch (error) {
      throw this.describe(error, deadline.expired);
    } finally {
      deadline.clear();
    }
  }

  async openStream(request: LlmChatRequest): Promise<AsyncIterable<ProviderStreamEvent>> {
    try {
      const stream = await this.client.chat.completions.create(
        { ...this.params(request), stream: true, stream_options: { include_usage: true } },
        { signal: request.signal },
      );
      return this.readStream(stream, request.signal);
    } catch (error) {
      throw this.describe(error, false);
    }
  }

  private params(request: LlmChatRequest): ChatCompletionCreateParamsBase {
    const { config } = this;
    const tools = request.tools?.length
      ? {
          tools: request.tools as ChatCompletionTool[],
          tool_choice: request.toolChoice ?? 'auto',
          ...(request.parallelToolCalls === undefined ? {} : { parallel_tool_calls: request.parallelToolCalls }),
        }
      : {};
    return {
      model: config.model_name,
      messages: request.messages as ChatCompletionMessageParam[],
      ...tools,
      temperature: request.temperature ?? config.temperature,
      top_p: request.topP ?? config.top_p,
      max_tokens: request.maxTokens ?? config.max_tokens,
      seed: config.seed,
      ...(request.stop === undefined ? {} : { stop: request.stop }),
      ...(request.responseFormat ? { response_format: request.responseFormat } : {}),
    };
  }

  private readCompletion(completion: ChatCompletion): ProviderReply {
    const choice = completion.choices?.[0];
    if (!choice?.message) throw new LlmError(this.name, LlmMessages.badReply(this.name, 'it has no choices'));
    const toolCalls = (choice.message.tool_calls ?? []).filter(isFunctionCall).map(
      (call): LlmToolCall => ({ id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments ?? '' } }),
    );
    return {
      message: { role: 'assistant', content: choice.message.content ?? null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
      finishReason: (choice.finish_reason ?? 'stop') as LlmFinishReason,
      usage: readUsage(completion.usage),
      model: completion.model || this.model,
    };
  }

  /**
   * Text as it comes; tool calls, whose names and arguments arrive in pieces, assembled for the end.
   * A server that sends nothing for `timeout` is given up on.
   */
  private async *readStream(
    stream: AsyncIterable<ChatCompletionChunk> & { controller: AbortController },
    signal: AbortSignal | undefined,
  ): AsyncIterable<ProviderStreamEvent> {
    let stalled = false;
    const watchdog = setTimeout(() => {
      stalled = true;
      stream.controller.abort();
    }, toMilliseconds(this.config.timeout));
    let content = '';
    const calls: LlmToolCall[] = [];
    let finishReason: LlmFinishReason = 'stop';
    let usage: LlmUsage | undefined;
    let model = this.model;
    try {
      for await (const chunk of stream) {
        watchdog.refresh();
        if (chunk.model) model = chunk.model;
        usage = readUsage(chunk.usage) ?? usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.finish_reason) finishReason = choice.finish_reason as LlmFinishReason;
        const text = choice.delta?.content;
        if (text) {
          content += text;
          yield { type: 'content', text };
        }
        for (const piece of choice.delta?.tool_calls ?? []) {
          const call = (calls[piece.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
          if (piece.id) call.id = piece.id;
          if (piece.function?.name) call.function.name += piece.function.name;
          if (piece.function?.arguments) call.function.arguments += piece.function.arguments;
        }
      }
    } catch (error) {
      throw this.describe(error, stalled);
    } finally {
      clearTimeout(watchdog);
    }
    // An aborted stream ends quietly; what came so far is not a reply.
    if (stalled) throw this.describe(undefined, true);
    if (signal?.aborted) throw new (openAiSdk().APIUserAbortError)();
    const toolCalls = calls.filter(Boolean);
    yield {
      type: 'end',
      reply: {
        message: { role: 'assistant', content: content || (toolCalls.length > 0 ? null : ''), ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finishReason,
        usage,
        model,
      },
    };
  }

  /** The client's error as an LlmError that names this LLM and says whether a retry may help. */
  private describe(error: unknown, timedOut: boolean): unknown {
    const { name } = this;
    const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = openAiSdk();
    if (error instanceof LlmError) return error;
    if (timedOut || error instanceof APIConnectionTimeoutError) {
      return new LlmTimeoutError(name, LlmMessages.timeout(name, this.config.timeout), { retryable: true, cause: error });
    }
    // The caller cancelled (its client went away): nothing to explain or retry.
    if (error instanceof APIUserAbortError) return error;
    if (error instanceof APIConnectionError) {
      return new LlmConnectionError(name, LlmMessages.unreachable(name, this.baseUrl, rootCause(error)), { retryable: true, cause: error });
    }
    if (error instanceof APIError && error.status !== undefined) {
      const status = error.status;
      const server = serverMessage(error);
      const options = { status, cause: error, retryAfterMs: parseRetryAfter(error.headers) };
      if (status === 401 || status === 403) return new LlmAuthenticationError(name, LlmMessages.authentication(name, status, server), options);
      if (status === 404) return new LlmModelNotFoundError(name, LlmMessages.modelNotFound(name, this.model, this.baseUrl, server), options);
      if (status === 429) return new LlmRateLimitError(name, LlmMessages.rateLimited(name, server), { ...options, retryable: true });
      if (status === 408 || status === 409 || status >= 500) {
        return new LlmServerError(name, LlmMessages.serverError(name, status, server), { ...options, retryable: true });
      }
      return new LlmRequestError(name, LlmMessages.rejected(name, status, server), options);
    }
    // An error event inside a stream that had started, or a reply that is not JSON.
    const reason = error instanceof APIError ? serverMessage(error) : (error as Error)?.message ?? String(error);
    return new LlmError(name, LlmMessages.badReply(name, reason), { cause: error });
  }
}

function isFunctionCall(call: ChatCompletionMessageToolCall): call is Extract<ChatCompletionMessageToolCall, { type: 'function' }> {
  return call.type === 'function';
}

function readUsage(
  usage: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null | undefined,
): LlmUsage | undefined {
  if (!usage || typeof usage.prompt_tokens !== 'number') return undefined;
  const completion = usage.completion_tokens ?? 0;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: completion,
    total_tokens: usage.total_tokens ?? usage.prompt_tokens + completion,
    ...(typeof cached === 'number' && cached > 0 ? { cached_tokens: Math.min(cached, usage.prompt_tokens) } : {}),
  };
}

/** What the server said: its `error.message`, else its body as text. */
function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (typeof body?.message === 'string' && body.message) return body.message;
  return error.message.replace(/^\d{3} /, '');
}

/** The innermost cause of a connection failure (`connect ECONNREFUSED 127.0.0.1:9`). */
function rootCause(error: Error): string {
  type Cause = { message?: string; code?: string; cause?: unknown; errors?: Cause[] };
  // Duck-typed: undici's errors may come from another realm, where `instanceof Error` is false.
  let current = error as Cause;
  while (current.cause && typeof current.cause === 'object') current = current.cause as Cause;
  const first = current.errors?.[0];
  return current.message || first?.message || current.code || error.message;
}

/** A signal that aborts after `ms` or when `outer` does; `expired` tells which. */
class AttemptDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  expired = false;

  constructor(
    ms: number,
    private readonly outer?: AbortSignal,
  ) {
    this.timer = setTimeout(() => {
      this.expired = true;
      this.controller.abort();
    }, ms);
    outer?.addEventListener('abort', this.abortWithOuter, { once: true });
    if (outer?.aborted) this.abortWithOuter();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  clear(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.abortWithOuter);
  }

  private readonly abortWithOuter = () => this.controller.abort(this.outer?.reason);
}
