import { LlmRequestError, StructuredOutputError } from './exceptions/llm.exception';
import { LlmChatRequest, LlmChatResult } from './interfaces/llm.interface';
import { StructuredOutput } from './structured-output';

const schema = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
  required: ['city', 'population'],
  additionalProperties: false,
};

/** A model that answers the scripted replies in order (a function throws instead), recording each request. */
function scriptedModel(...replies: (string | (() => never))[]) {
  const requests: LlmChatRequest[] = [];
  const chat = async (request: LlmChatRequest): Promise<LlmChatResult> => {
    requests.push(request);
    const reply = replies.shift()!;
    if (typeof reply === 'function') reply();
    return {
      message: { role: 'assistant', content: reply as string },
      finishReason: 'stop',
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
      usageSource: 'server',
      model: 'm',
    };
  };
  return { requests, chat };
}

const question = { messages: [{ role: 'user' as const, content: 'The largest city of France?' }], schema, schemaName: 'city' };

describe('StructuredOutput', () => {
  it("asks with response_format json_schema where the server has it, and returns the validated value", async () => {
    const model = scriptedModel('{"city":"Paris","population":2100000}');
    const result = await new StructuredOutput('main', 'auto', model.chat).request<{ city: string }>(question);
    expect(result).toEqual({ value: { city: 'Paris', population: 2100000 }, raw: '{"city":"Paris","population":2100000}', usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 }, mode: 'json_schema' });
    expect(model.requests[0].responseFormat).toEqual({ type: 'json_schema', json_schema: { name: 'city', schema, strict: false } });
    expect(model.requests[0].messages).toEqual(question.messages);
  });

  it('asks with an instruction in the prompt otherwise, and tolerates a code fence', async () => {
    const model = scriptedModel('```json\n{"city":"Paris","population":1}\n```');
    const result = await new StructuredOutput('main', 'instructions', model.chat).request(question);
    expect(result.value).toEqual({ city: 'Paris', population: 1 });
    expect(result.mode).toBe('instructions');
    expect(model.requests[0].responseFormat).toBeUndefined();
    expect(model.requests[0].messages[0]).toEqual({ role: 'system', content: expect.stringContaining(JSON.stringify(schema)) });
  });

  it('retries once, telling the model what was wrong', async () => {
    const model = scriptedModel('{"city":"Paris","population":-3}', '{"city":"Paris","population":3}');
    const result = await new StructuredOutput('main', 'json_schema', model.chat).request(question);
    expect(result.value).toEqual({ city: 'Paris', population: 3 });
    expect(result.usage).toEqual({ prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 });
    expect(model.requests[1].messages.slice(-2)).toEqual([
      { role: 'assistant', content: '{"city":"Paris","population":-3}' },
      { role: 'user', content: 'Your reply was not valid: /population must be >= 0. Reply again with only the JSON value that matches the schema.' },
    ]);
  });

  it('fails after the retry with the raw reply and the problems', async () => {
    const model = scriptedModel('Paris, I think', 'It is Paris.');
    const error = (await new StructuredOutput('main', 'instructions', model.chat).request(question).catch((e: unknown) => e)) as StructuredOutputError;
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect(error.raw).toBe('It is Paris.');
    expect(error.problems[0]).toMatch(/^it is not JSON/);
    expect(error.message).toMatch(/^LLM 'main' did not reply with JSON matching the schema, also after one retry: it is not JSON .*Raw reply: It is Paris\.$/);
  });

  it('in auto mode, falls back to instructions when the server refuses response_format, and remembers', async () => {
    const refuse = () => {
      throw new LlmRequestError('main', "LLM 'main' rejected the request (HTTP 400): response_format is not supported", { status: 400 });
    };
    const model = scriptedModel(refuse, '{"city":"Paris","population":1}', '{"city":"Lyon","population":2}');
    const output = new StructuredOutput('main', 'auto', model.chat);
    expect((await output.request(question)).mode).toBe('instructions');
    expect((await output.request(question)).value).toEqual({ city: 'Lyon', population: 2 });
    expect(model.requests.map((request) => !!request.responseFormat)).toEqual([true, false, false]);
  });

  it("in json_schema mode, a refusal is the caller's error", async () => {
    const model = scriptedModel(() => {
      throw new LlmRequestError('main', 'no', { status: 400 });
    });
    await expect(new StructuredOutput('main', 'json_schema', model.chat).request(question)).rejects.toBeInstanceOf(LlmRequestError);
  });
});
