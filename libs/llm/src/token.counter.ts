import type { LlmAssistantMessage, LlmMessage, LlmTool, LlmUsage } from './interfaces/llm.interface';

type Tokenizer = typeof import('gpt-tokenizer');
let tokenizer: Tokenizer | undefined;
// Special tokens a user types (`<|endoftext|>`) are counted as plain text, not refused.
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/** Tokens of `text` in OpenAI's o200k encoding (gpt-4o and later). */
export function countTextTokens(text: string): number {
  if (!text) return 0;
  // Loaded on first use: reading the encoding takes a few hundred ms, and servers that report usage never need it.
  tokenizer ??= require('gpt-tokenizer') as Tokenizer;
  return tokenizer.countTokens(text, AS_PLAIN_TEXT);
}

// OpenAI's published accounting: each message costs a few tokens of framing, and every reply is primed with 3.
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

/** An estimate of what a server counts as the prompt: the messages, their framing, and the tool definitions. */
export function countPromptTokens(messages: LlmMessage[], tools: LlmTool[] = []): number {
  let total = REPLY_PRIMING;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTextTokens(message.role) + countTextTokens(message.content ?? '');
    if (message.role === 'assistant') total += countToolCallTokens(message);
  }
  if (tools.length > 0) total += countTextTokens(JSON.stringify(tools));
  return total;
}

/** The tokens of a reply: its text and the tool calls it makes. */
export function countCompletionTokens(message: LlmAssistantMessage): number {
  return countTextTokens(message.content ?? '') + countToolCallTokens(message);
}

/** Usage counted here, for servers (and the echo model) that report none. */
export function countUsage(messages: LlmMessage[], tools: LlmTool[] | undefined, reply: LlmAssistantMessage): LlmUsage {
  const prompt = countPromptTokens(messages, tools);
  const completion = countCompletionTokens(reply);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

function countToolCallTokens(message: LlmAssistantMessage): number {
  return (message.tool_calls ?? []).reduce(
    (sum, call) => sum + countTextTokens(call.function.name) + countTextTokens(call.function.arguments),
    0,
  );
}
