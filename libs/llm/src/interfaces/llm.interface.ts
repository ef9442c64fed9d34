/**
 * The shapes of a chat call, as the OpenAI chat completions protocol has them, so that messages and
 * tools pass through to an OpenAI-compatible server unchanged.
 */

/** A model's request to call a tool: `arguments` is the JSON text the model wrote. */
export interface LlmToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface LlmAssistantMessage {
  role: 'assistant';
  content: string | null;
  tool_calls?: LlmToolCall[];
}

export type LlmMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | LlmAssistantMessage
  | { role: 'tool'; tool_call_id: string; content: string };

/** A tool the model may call: a function with a JSON schema of its arguments (an object schema). */
export interface LlmTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
}

/** Ask for JSON matching `schema` (OpenAI's `response_format: {type: 'json_schema'}`). */
export interface LlmJsonSchemaFormat {
  type: 'json_schema';
  json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean };
}

/** Ask for a JSON object, any (OpenAI's `response_format: {type: 'json_object'}`). */
export interface LlmJsonObjectFormat {
  type: 'json_object';
}

/** How the model may use the tools: OpenAI's `tool_choice`. */
export type LlmToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface LlmChatRequest {
  messages: LlmMessage[];
  tools?: LlmTool[];
  /** With tools; `auto` when absent. */
  toolChoice?: LlmToolChoice;
  /** With tools: whether the model may call several at once; the server's default when absent. */
  parallelToolCalls?: boolean;
  /** Sequences where the model stops writing. */
  stop?: string | string[];
  /** Per call; the LLM's configured value otherwise. */
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  responseFormat?: LlmJsonSchemaFormat | LlmJsonObjectFormat;
  /** Aborts the call (and its retries), e.g. when the client has gone. */
  signal?: AbortSignal;
}

export interface LlmUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Of the prompt tokens, those the server read from its prompt cache (billed at `cached_input_per_million`). */
  cached_tokens?: number;
}

export type LlmFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/** One model reply, with the tokens it cost. */
export interface LlmChatResult {
  message: LlmAssistantMessage;
  finishReason: LlmFinishReason;
  usage: LlmUsage;
  /** `server`: the server's `usage`; `tokenizer`: counted here, because the server sent none. */
  usageSource: 'server' | 'tokenizer';
  /** The model that answered, as the server names it. */
  model: string;
}

/** What `LlmClient.stream()` yields: text as it comes, then the whole reply once. */
export type LlmStreamEvent = { type: 'content'; text: string } | { type: 'result'; result: LlmChatResult };

/** A reply as a provider reads it; `usage` is absent when the server sent none. */
export interface ProviderReply {
  message: LlmAssistantMessage;
  finishReason: LlmFinishReason;
  usage?: LlmUsage;
  model: string;
}

export type ProviderStreamEvent = { type: 'content'; text: string } | { type: 'end'; reply: ProviderReply };

/**
 * One model endpoint, one attempt per call: what an LLM `_type` implements. Retries, token
 * accounting and structured output are the LlmClient's, the same for every type. Errors are
 * `LlmError`s, whose `retryable` says whether another attempt may succeed.
 */
export interface LlmProvider {
  /** The configured model name. */
  readonly model: string;
  /** How structured output is asked of it: `instructions` when the server has no `response_format`. */
  readonly structuredOutput: 'auto' | 'json_schema' | 'instructions';
  complete(request: LlmChatRequest): Promise<ProviderReply>;
  /**
   * Resolves once the server has accepted the request, so that a refusal (429, 5xx) can still be
   * retried; the events follow. Leaving the iteration early cancels the request.
   */
  openStream(request: LlmChatRequest): Promise<AsyncIterable<ProviderStreamEvent>>;
}
