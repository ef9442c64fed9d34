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
  for (const message of messages) total += countMessageTokens(message);
  if (tools.length > 0) total += countToolsTokens(tools);
  return total;
}

/**
 * Counts kept per message, and per text every call of an agent repeats (its system prompt, its tool
 * definitions as JSON): a conversation is counted again on every call (usage for servers that report
 * none, budgets), nearly all of it what the call before counted, and tokenizing it again was most of a
 * chat request's CPU (bench/RESULTS.md). A message's count is used only while the message still has
 * the text and tool-call list it was counted with, and is kept weakly, so a forgotten conversation
 * takes its counts with it. The repeated texts are few per server; at most REPEATED_TEXTS are kept.
 */
const messageCounts = new WeakMap<LlmMessage, { content: string | null | undefined; toolCalls: unknown; tokens: number }>();
const repeatedTexts = new Map<string, number>();
const REPEATED_TEXTS = 64;

function countMessageTokens(message: LlmMessage): number {
  const toolCalls = message.role === 'assistant' ? message.tool_calls : undefined;
  const kept = messageCounts.get(message);
  if (kept && kept.content === message.content && kept.toolCalls === toolCalls) return kept.tokens;
  const text = message.content ?? '';
  let tokens = TOKENS_PER_MESSAGE + countTextTokens(message.role) + (message.role === 'system' ? countRepeatedText(text) : countTextTokens(text));
  if (message.role === 'assistant') tokens += countToolCallTokens(message);
  messageCounts.set(message, { content: message.content, toolCalls, tokens });
  return tokens;
}

function countRepeatedText(text: string): number {
  const kept = repeatedTexts.get(text);
  if (kept !== undefined) return kept;
  const tokens = countTextTokens(text);
  if (repeatedTexts.size >= REPEATED_TEXTS) repeatedTexts.delete(repeatedTexts.keys().next().value!);
  repeatedTexts.set(text, tokens);
  return tokens;
}

function countToolsTokens(tools: LlmTool[]): number {
  return countRepeatedText(JSON.stringify(tools));
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
