import * as gptTokenizer from 'gpt-tokenizer';
import { seededRandom } from '../../../bench/harness/seeded-random';
import { LlmMessage, LlmTool } from './interfaces/llm.interface';
import { countEachMessageTokens, countPromptTokens, countTextTokens, EXACTLY_COUNTED_CHARS } from './token.counter';

const TOOLS: LlmTool[] = [{ type: 'function', function: { name: 'notepad', description: 'Keeps notes', parameters: { type: 'object', properties: { action: { type: 'string' } } } } }];

/** The prompt's count done by hand, with the published framing: what the kept counts must keep giving. */
function byHand(messages: LlmMessage[], tools: LlmTool[]): number {
  let total = 3;
  for (const message of messages) {
    total += 3 + countTextTokens(message.role) + countTextTokens(message.content ?? '');
    if (message.role === 'assistant') for (const call of message.tool_calls ?? []) total += countTextTokens(call.function.name) + countTextTokens(call.function.arguments);
  }
  return total + countTextTokens(JSON.stringify(tools));
}

describe('countPromptTokens', () => {
  const history = (): LlmMessage[] => [
    { role: 'system', content: 'You are a helpful assistant with a notepad.' },
    { role: 'user', content: 'call notepad {"action":"add","content":"buy milk"}' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'notepad', arguments: '{"action":"add","content":"buy milk"}' } }] },
    { role: 'tool', tool_call_id: 'c1', content: 'Note added' },
    { role: 'assistant', content: 'Added: buy milk' },
  ];

  afterEach(() => jest.restoreAllMocks());

  it('counts a conversation as the framing and its texts add up, again on the next call without tokenizing what it counted before', () => {
    const messages = history();
    expect(countPromptTokens(messages, TOOLS)).toBe(byHand(messages, TOOLS));
    const next: LlmMessage[] = [...messages, { role: 'user', content: 'and eggs' }];
    const expected = byHand(next, TOOLS);
    const tokenize = jest.spyOn(gptTokenizer, 'countTokens');
    expect(countPromptTokens(next, TOOLS)).toBe(expected);
    // Only the new message was tokenized: its role and its text.
    expect(tokenize.mock.calls.map(([text]) => text)).toEqual(['user', 'and eggs']);
  });

  it("does not tokenize again a system prompt and tool definitions it has counted, in messages and lists made anew for each call", () => {
    const first = history();
    countPromptTokens(first, TOOLS);
    const again = history();
    const tools = TOOLS.map((tool) => ({ ...tool, function: { ...tool.function } }));
    const expected = byHand(again, tools);
    const tokenize = jest.spyOn(gptTokenizer, 'countTokens');
    expect(countPromptTokens(again, tools)).toBe(expected);
    expect(tokenize.mock.calls.map(([text]) => text)).not.toContain(first[0].content);
    expect(tokenize.mock.calls.map(([text]) => text)).not.toContain(JSON.stringify(TOOLS));
  });

  it('counts a message anew when its text or tool calls are no longer what was counted, and a tool list changed in place', () => {
    const messages = history();
    countPromptTokens(messages, TOOLS);
    messages[1] = { ...messages[1], content: 'a different and rather longer question than before' } as LlmMessage;
    (messages[4] as { content: string }).content = 'Added: buy milk, eggs and bread';
    const tools = TOOLS.map((tool) => ({ ...tool, function: { ...tool.function } }));
    countPromptTokens(messages, tools);
    tools[0].function.description = 'Keeps the notes of the user, added and listed';
    expect(countPromptTokens(messages, tools)).toBe(byHand(messages, tools));
  });
});

describe('countTextTokens on hostile and long texts', () => {
  afterEach(() => jest.restoreAllMocks());

  /** Text the tokenizer has cached nothing of: random letters, without a space unless `spaced`. */
  const random = (length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz', spaced = false) => {
    const next = seededRandom(7); // the same text on every run
    let text = '';
    while (text.length < length) text += spaced && next() < 1 / 7 ? ' ' : alphabet[Math.floor(next() * alphabet.length)];
    return text.slice(0, length);
  };
  const longestRun = (text: string) => Math.max(0, ...[...text.matchAll(/\S+|\s+/gu)].map(([run]) => [...run].length));

  it.each([
    ['letters without a space', random(100_000)],
    ['CJK', random(100_000, '的一是不了人我在有他这为之大来以个中上们')],
    ['spaces', ' '.repeat(100_000) + 'x'],
    ['punctuation', random(100_000, '!@#$%^&*()')],
    ['emoji (two UTF-16 units each)', '😀🎉🚀'.repeat(40_000)],
  ])('gives the tokenizer no long run and no more than EXACTLY_COUNTED_CHARS of %s (its cost grows with the square of a run)', (_kind, text) => {
    const tokenize = jest.spyOn(gptTokenizer, 'countTokens');
    const tokens = countTextTokens(text);
    const given = tokenize.mock.calls.map(([piece]) => piece as string);
    expect(Math.max(...given.map(longestRun))).toBeLessThanOrEqual(256);
    expect(given.join('').length).toBeLessThanOrEqual(EXACTLY_COUNTED_CHARS);
    expect(given.join('')).toBe(text.slice(0, given.join('').length)); // the text's start, whole characters
    expect(Number.isInteger(tokens) && tokens > 0).toBe(true);
  });

  it.each([
    ['letters without a space', random(8_192)],
    ['CJK', random(8_192, '的一是不了人我在有他这为之大来以个中上们')],
    ['words', random(8_192, 'abcdefghij', true)],
  ])('counts %s in pieces within 1 %% of the whole text at once', (_kind, text) => {
    const whole = gptTokenizer.countTokens(text, { disallowedSpecial: new Set() });
    expect(Math.abs(countTextTokens(text) - whole) / whole).toBeLessThan(0.01);
  });

  it('counts a text longer than EXACTLY_COUNTED_CHARS as its start scaled to its length: within 5 % of the whole for even text', () => {
    const text = random(2 * EXACTLY_COUNTED_CHARS, 'abcdefghijklmnop', true);
    const whole = gptTokenizer.countTokens(text, { disallowedSpecial: new Set() });
    expect(Math.abs(countTextTokens(text) - whole) / whole).toBeLessThan(0.05);
  });

  it("shares EXACTLY_COUNTED_CHARS among a prompt's messages (a body's worth of messages): the rest is each text's start, scaled", () => {
    const messages: LlmMessage[] = Array.from({ length: 120 }, (_, index) => ({ role: index % 2 ? 'assistant' : 'user', content: random(8_000 + index, 'abcdefghijklmnop', true) }));
    const exact = messages.reduce((sum, message) => sum + 3 + countTextTokens(message.role) + countTextTokens(message.content as string), 3);
    const tokenize = jest.spyOn(gptTokenizer, 'countTokens');
    const counted = countPromptTokens(messages);
    const given = tokenize.mock.calls.reduce((sum, [piece]) => sum + (piece as string).length, 0);
    expect(given).toBeLessThanOrEqual(EXACTLY_COUNTED_CHARS + messages.length * (256 + 'assistant'.length));
    expect(Math.abs(counted - exact) / exact).toBeLessThan(0.05);
    tokenize.mockClear();
    expect(countEachMessageTokens(messages.slice(0, 3))).toEqual(messages.slice(0, 3).map((message) => countPromptTokens([message]) - 3)); // kept from the count above
    expect(tokenize).not.toHaveBeenCalled();
  });

  it('counts a short text exactly as the tokenizer does, in one call', () => {
    const text = 'Hello, world! How are you?';
    const whole = gptTokenizer.countTokens(text, { disallowedSpecial: new Set() });
    const tokenize = jest.spyOn(gptTokenizer, 'countTokens');
    expect(countTextTokens(text)).toBe(whole);
    expect(tokenize).toHaveBeenCalledTimes(1);
  });
});
