import * as gptTokenizer from 'gpt-tokenizer';
import { LlmMessage, LlmTool } from './interfaces/llm.interface';
import { countPromptTokens, countTextTokens } from './token.counter';

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
