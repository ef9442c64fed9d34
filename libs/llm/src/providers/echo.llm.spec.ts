import { EchoLlmConfig } from '../config/echo-llm.config';
import { LlmChatRequest, LlmTool, ProviderStreamEvent } from '../interfaces/llm.interface';
import { EchoLlm } from './echo.llm';

const notepad: LlmTool = { type: 'function', function: { name: 'notepad', parameters: { type: 'object' } } };

function echo(): EchoLlm {
  return new EchoLlm('demo', new EchoLlmConfig());
}

async function collect(events: AsyncIterable<ProviderStreamEvent>): Promise<ProviderStreamEvent[]> {
  const all: ProviderStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe('the echo model (not an LLM)', () => {
  it('replies with the last user message, as model echo, and reports no usage (it is counted)', async () => {
    const reply = await echo().complete({ messages: [{ role: 'system', content: 'be nice' }, { role: 'user', content: 'Hello there' }] });
    expect(reply).toEqual({ message: { role: 'assistant', content: 'Hello there' }, finishReason: 'stop', model: 'echo' });
  });

  it("calls a tool it was given for 'call <tool> <json>', with those arguments", async () => {
    const request: LlmChatRequest = { messages: [{ role: 'user', content: 'call notepad {"action": "add", "content": "milk"}' }], tools: [notepad] };
    const reply = await echo().complete(request);
    expect(reply.finishReason).toBe('tool_calls');
    expect(reply.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_echo_1', type: 'function', function: { name: 'notepad', arguments: '{"action": "add", "content": "milk"}' } }],
    });
  });

  it('calls a tool with {} when no arguments are given, and echoes a call of a tool it was not given', async () => {
    expect((await echo().complete({ messages: [{ role: 'user', content: 'call notepad' }], tools: [notepad] })).message.tool_calls?.[0].function.arguments).toBe('{}');
    expect((await echo().complete({ messages: [{ role: 'user', content: 'call weather {}' }], tools: [notepad] })).message.content).toBe('call weather {}');
  });

  it("after a tool call, replies with the tool's result", async () => {
    const reply = await echo().complete({
      messages: [
        { role: 'user', content: 'call notepad {}' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'notepad', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '{"success":true}' },
      ],
      tools: [notepad],
    });
    expect(reply.message.content).toBe('{"success":true}');
  });

  it('streams its reply word by word, then the whole reply', async () => {
    const events = await collect(await echo().openStream({ messages: [{ role: 'user', content: 'one two  three' }] }));
    expect(events.slice(0, -1)).toEqual([
      { type: 'content', text: 'one' },
      { type: 'content', text: ' two' },
      { type: 'content', text: '  three' },
    ]);
    expect(events[events.length - 1]).toMatchObject({ type: 'end', reply: { message: { content: 'one two  three' } } });
  });

  it('asked for JSON matching a schema, replies with a value built from it', async () => {
    const schema = {
      type: 'object',
      properties: {
        hook: { type: 'string' },
        hashtags: { type: 'array', items: { type: 'string' } },
        tone: { enum: ['upbeat', 'calm'] },
        score: { type: 'integer', minimum: 1 },
        draft: { type: 'boolean' },
      },
      required: ['hook', 'hashtags'],
    };
    const reply = await echo().complete({
      messages: [{ role: 'user', content: 'Write a hook' }],
      responseFormat: { type: 'json_schema', json_schema: { name: 'script', schema } },
    });
    expect(JSON.parse(reply.message.content!)).toEqual({ hook: 'Write a hook', hashtags: ['Write a hook'], tone: 'upbeat', score: 1, draft: false });
  });
});
