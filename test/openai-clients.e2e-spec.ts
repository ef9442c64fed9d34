import { ChatOpenAI } from '@langchain/openai';
import { tool } from '@langchain/core/tools';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, Output, streamText } from 'ai';
import { startServer, TestServer } from './support/test-server';
import { FakeOpenAiServer } from './support/fake-openai.server';

const CONFIG = 'test/fixtures/v1-chat.yml';
const FORECAST_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
  required: ['city', 'days'],
  additionalProperties: false,
} as const;

/** The README's "Using OpenAI clients" snippets, run against a real server with the scripted model behind it. */
describe('OpenAI clients against /v1 (README "Using OpenAI clients")', () => {
  let fake: FakeOpenAiServer;
  let server: TestServer;
  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, FAKE_LLM_URL: fake.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const headersOf = (user: string) => ({ cookie: `nat-session=${user}` });

  describe('LangChain ChatOpenAI', () => {
    const langchain = (user: string, useResponsesApi = false) =>
      new ChatOpenAI({ model: 'notes-agent', apiKey: 'unused', maxRetries: 0, useResponsesApi, configuration: { baseURL: `${server.url}/v1`, defaultHeaders: headersOf(user) } });

    it.each([false, true])('bindTools gets the tool calls, useResponsesApi=%s', async (useResponsesApi) => {
      fake.reply({ toolCalls: [{ id: 'call_l1', name: 'get_weather', arguments: { city: 'Oslo' } }] });
      const weather = tool(async ({ city }: { city: string }) => `rain in ${city}`, {
        name: 'get_weather',
        description: 'The weather in a city',
        schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      });
      const reply = await langchain(`lc-tools-${useResponsesApi}`, useResponsesApi).bindTools([weather]).invoke('Weather in Oslo?');
      expect(reply.tool_calls).toEqual([expect.objectContaining({ id: 'call_l1', name: 'get_weather', args: { city: 'Oslo' } })]);
    });

    it.each([false, true])('withStructuredOutput parses the JSON answer, useResponsesApi=%s', async (useResponsesApi) => {
      fake.reply({ content: '{"city":"Rome","days":2}' });
      const forecast = await langchain(`lc-json-${useResponsesApi}`, useResponsesApi).withStructuredOutput(FORECAST_SCHEMA, { name: 'forecast', method: 'jsonSchema' }).invoke('Rome, 2 days');
      expect(forecast).toEqual({ city: 'Rome', days: 2 });
    });

    it.each([false, true])('streams, useResponsesApi=%s', async (useResponsesApi) => {
      fake.reply({ content: 'one two three' });
      let text = '';
      for await (const chunk of await langchain(`lc-stream-${useResponsesApi}`, useResponsesApi).stream('count')) text += typeof chunk.content === 'string' ? chunk.content : chunk.text;
      expect(text).toBe('one two three');
    });
  });

  describe('AI SDK', () => {
    const provider = (user: string) => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', headers: headersOf(user) });

    it('the default provider (the Responses API) and .chat() both answer, and run a tool the client executes', async () => {
      for (const [user, model] of [['ai-default', provider('ai-default')('notes-agent')], ['ai-chat', provider('ai-chat').chat('notes-agent')]] as const) {
        fake.reset();
        fake.reply({ toolCalls: [{ id: `call_${user}`, name: 'get_weather', arguments: { city: 'Lima' } }] }, { content: 'Sunny in Lima.' });
        const result = await generateText({
          model,
          prompt: 'Weather in Lima?',
          tools: { get_weather: { description: 'The weather', inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }), execute: async ({ city }) => `sun in ${city}` } },
          stopWhen: ({ steps }) => steps.length >= 2,
        });
        expect(result.text).toBe('Sunny in Lima.');
        expect(fake.requests[1].body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: `call_${user}`, content: expect.stringContaining('sun in Lima') });
      }
    });

    it('structured output, with either provider', async () => {
      for (const model of [provider('ai-json')('notes-agent'), provider('ai-json-chat').chat('notes-agent')]) {
        fake.reply({ content: '{"city":"Oslo","days":3}' });
        const { output } = await generateText({ model, prompt: 'Oslo, 3 days', output: Output.object({ schema: jsonSchema<{ city: string; days: number }>(FORECAST_SCHEMA as never) }) });
        expect(output).toEqual({ city: 'Oslo', days: 3 });
      }
    });

    it('streamText streams with either provider', async () => {
      for (const model of [provider('ai-stream')('notes-agent'), provider('ai-stream-chat').chat('notes-agent')]) {
        fake.reply({ content: 'alpha beta gamma' });
        const result = streamText({ model, prompt: 'letters' });
        const parts: string[] = [];
        for await (const part of result.textStream) parts.push(part);
        expect(parts.join('')).toBe('alpha beta gamma');
        expect(parts.length).toBeGreaterThan(1);
        expect((await result.usage).totalTokens).toBeGreaterThan(0);
      }
    });

    it("keeps two users apart, and refuses one user's previous_response_id to another", async () => {
      fake.reply({ content: 'Ada noted.' });
      const first = await generateText({ model: provider('ai-ada')('notes-agent'), prompt: 'I am Ada' });
      const responseId = (first.providerMetadata?.openai as { responseId?: string }).responseId!;
      expect(responseId).toMatch(/^resp_/);
      const stolen = generateText({ model: provider('ai-bob')('notes-agent'), prompt: 'go on', providerOptions: { openai: { previousResponseId: responseId } } });
      await expect(stolen).rejects.toMatchObject({ statusCode: 404, message: `Response with id '${responseId}' not found.` });
      fake.reply({ content: 'Still Ada.' });
      const next = await generateText({ model: provider('ai-ada')('notes-agent'), prompt: 'who am I?', providerOptions: { openai: { previousResponseId: responseId } } });
      expect(next.text).toBe('Still Ada.');
      expect(fake.requests.at(-1)!.body.messages.slice(1).map((m: any) => m.content)).toEqual(['I am Ada', 'Ada noted.', 'who am I?']);
    });
  });
});
