import type { LlmAssistantMessage, LlmMessage, LlmTool, LlmUsage } from './interfaces/llm.interface';

type Tokenizer = typeof import('gpt-tokenizer');
let tokenizer: Tokenizer | undefined;
// Special tokens a user types (`<|endoftext|>`) are counted as plain text, not refused.
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Runs of this many characters without a break between words (a word of random letters, CJK text,
 * spaces, punctuation) are counted a piece at a time. The tokenizer's cost grows with the square of
 * such a run: 100,000 letters in one word took 6.7 s, and 1 MB minutes, while the event loop waited
 * (bench/RESULTS.md, token counting). In pieces the count is within 0.5 % of the whole's.
 */
const RUN_PIECE = 128;
const LONG_RUN = new RegExp(`\\S{${RUN_PIECE}}|\\s{${RUN_PIECE}}`, 'gu'); // by code point: no character split in two

/**
 * Characters one count (a prompt, a text, a turn's messages) gives the tokenizer at most. Even in
 * pieces the tokenizer takes up to 4–6 µs a character (text it has not seen, CJK), and a request's
 * messages may hold a whole body's worth; a longer text's count is its start's, scaled to its length.
 * Every text gets SHORT_TEXT_CHARS exactly, so what the budget leaves for the last ones stays a sample.
 */
export const EXACTLY_COUNTED_CHARS = 16_384;
const SHORT_TEXT_CHARS = 256;
let exactCharsLeft = 0;
let counting = false;

/** `count` as one count: the texts it counts share EXACTLY_COUNTED_CHARS (a count inside it, its budget). */
function oneCount<T>(count: () => T): T {
  if (counting) return count();
  counting = true;
  exactCharsLeft = EXACTLY_COUNTED_CHARS;
  try {
    return count();
  } finally {
    counting = false;
  }
}

/** Tokens of `text` in OpenAI's o200k encoding (gpt-4o and later); over EXACTLY_COUNTED_CHARS, an estimate. */
export function countTextTokens(text: string): number {
  return oneCount(() => countWithinBudget(text));
}

function countWithinBudget(text: string): number {
  if (!text) return 0;
  const exact = Math.max(SHORT_TEXT_CHARS, exactCharsLeft);
  if (text.length <= exact) {
    exactCharsLeft -= text.length;
    return countInPieces(text);
  }
  // Cut before a low surrogate, so that no character is split in two.
  const end = isLowSurrogate(text.charCodeAt(exact)) ? exact - 1 : exact;
  exactCharsLeft -= end;
  return Math.ceil((countInPieces(text.slice(0, end)) * text.length) / end);
}

function countInPieces(text: string): number {
  // Loaded on first use: reading the encoding takes a few hundred ms, and servers that report usage never need it.
  tokenizer ??= require('gpt-tokenizer') as Tokenizer;
  if (text.length < RUN_PIECE) return tokenizer.countTokens(text, AS_PLAIN_TEXT);
  let tokens = 0;
  let from = 0;
  for (const run of text.matchAll(LONG_RUN)) {
    if (run.index > from) tokens += tokenizer.countTokens(text.slice(from, run.index), AS_PLAIN_TEXT);
    tokens += tokenizer.countTokens(run[0], AS_PLAIN_TEXT);
    from = run.index + run[0].length;
  }
  return tokens + (from < text.length ? tokenizer.countTokens(text.slice(from), AS_PLAIN_TEXT) : 0);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

// OpenAI's published accounting: each message costs a few tokens of framing, and every reply is primed with 3.
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

/** An estimate of what a server counts as the prompt: the messages, their framing, and the tool definitions. */
export function countPromptTokens(messages: LlmMessage[], tools: LlmTool[] = []): number {
  return oneCount(() => {
    let total = REPLY_PRIMING;
    for (const message of messages) total += countMessageTokens(message);
    if (tools.length > 0) total += countToolsTokens(tools);
    return total;
  });
}

/** Each message's own tokens (its framing, role and texts), in one count. */
export function countEachMessageTokens(messages: readonly LlmMessage[]): number[] {
  return oneCount(() => messages.map(countMessageTokens));
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
  return oneCount(() => countTextTokens(message.content ?? '') + countToolCallTokens(message));
}

/** Usage counted here, for servers (and the echo model) that report none. */
export function countUsage(messages: LlmMessage[], tools: LlmTool[] | undefined, reply: LlmAssistantMessage): LlmUsage {
  return oneCount(() => {
    const prompt = countPromptTokens(messages, tools);
    const completion = countCompletionTokens(reply);
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  });
}

function countToolCallTokens(message: LlmAssistantMessage): number {
  return (message.tool_calls ?? []).reduce(
    (sum, call) => sum + countTextTokens(call.function.name) + countTextTokens(call.function.arguments),
    0,
  );
}
