import { LlmMessage } from '../interfaces/llm.interface';
import { countPromptTokens } from '../token.counter';
import { ConversationMemory } from './conversation.memory';

const user = (content: string): LlmMessage => ({ role: 'user', content });
const assistant = (content: string): LlmMessage => ({ role: 'assistant', content });
const toolTurn = (content: string): LlmMessage[] => [
  user(content),
  { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'notepad', arguments: '{}' } }] },
  { role: 'tool', tool_call_id: 'c1', content: '{"success":true}' },
  assistant('done'),
];

describe('ConversationMemory', () => {
  it('remembers turns in order', () => {
    const memory = new ConversationMemory({ maxMessages: 10, maxTokens: 10_000 });
    memory.remember([user('hi'), assistant('hello')]);
    memory.remember([user('again'), assistant('yes')]);
    expect(memory.history()).toEqual([user('hi'), assistant('hello'), user('again'), assistant('yes')]);
  });

  it('forgets the oldest messages beyond max messages, whole turns at a time', () => {
    const memory = new ConversationMemory({ maxMessages: 5, maxTokens: 10_000 });
    memory.remember(toolTurn('first'));
    memory.remember([user('second'), assistant('ok')]);
    // 6 messages: dropping one would leave a turn's tool call without its user message, so the whole first turn goes.
    expect(memory.history()).toEqual([user('second'), assistant('ok')]);
  });

  it('forgets the oldest messages beyond max tokens', () => {
    const cost = (message: LlmMessage) => countPromptTokens([message]) - countPromptTokens([]);
    const long = user('word '.repeat(200));
    const memory = new ConversationMemory({ maxMessages: 100, maxTokens: cost(long) + cost(assistant('noted')) });
    memory.remember([long, assistant('noted')]);
    expect(memory.size).toBe(2);
    memory.remember([user('short'), assistant('ok')]);
    expect(memory.history()).toEqual([user('short'), assistant('ok')]);
  });

  it('keeps nothing with a limit of 0', () => {
    const memory = new ConversationMemory({ maxMessages: 0, maxTokens: 10_000 });
    memory.remember([user('hi'), assistant('hello')]);
    expect(memory.size).toBe(0);
  });

  it('hands out copies: a caller cannot change what is remembered', () => {
    const memory = new ConversationMemory({ maxMessages: 10, maxTokens: 10_000 });
    memory.remember([user('hi')]);
    memory.history().push(user('injected'));
    expect(memory.size).toBe(1);
  });
});
