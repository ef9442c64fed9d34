import OpenAI, { APIError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { SessionRegistry } from '@userscope/runtime';
import { startServer, TestServer } from './support/test-server';
import { FakeOpenAiServer } from './support/fake-openai.server';

const CONFIG = 'test/fixtures/v1-chat.yml';

/** A client-side tool: the model may call it, the client runs it. */
const WEATHER: ChatCompletionTool = {
  type: 'function',
  function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

const FORECAST_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
  required: ['city', 'days'],
  additionalProperties: false,
};

const toolNames = (body: any): string[] => body.tools.map((tool: { function: { name: string } }) => tool.function.name);

describe('/v1 as OpenAI clients use it', () => {
  let fake: FakeOpenAiServer;
  let server: TestServer;
  const clientFor = (user?: string) =>
    new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0, defaultHeaders: user ? { cookie: `nat-session=${user}` } : {} });

  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, FAKE_LLM_URL: fake.url });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  async function notesOf(user: string): Promise<string[] | undefined> {
    const notepad = server.app.get(SessionRegistry).get(user)?.functions.get('notepad');
    return notepad && (await notepad.invoke({ action: 'list' })).notes;
  }

  /** The raw reply of a request the openai client would not send as it is. */
  async function raw(method: string, path: string, body?: unknown, user = 'raw') {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie: `nat-session=${user}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as any };
  }

  describe('client-side tools', () => {
    it("offers the request's tools next to the workflow's; a call of one ends the reply with finish_reason tool_calls, and the tool's result goes on in the user's conversation", async () => {
      fake.reply({ toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: { city: 'Oslo' } }] }, { content: 'It is 3 °C in Oslo.' }, { content: 'You asked about Oslo.' });
      const client = clientFor('ada');
      const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
      const first = await client.chat.completions.create({ model: 'notes-agent', messages, tools: [WEATHER] });
      expect(first.choices[0].finish_reason).toBe('tool_calls');
      expect(first.choices[0].message.content).toBeNull();
      expect(first.choices[0].message.tool_calls).toEqual([{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }]);
      expect(toolNames(fake.requests[0].body)).toEqual(['notepad', 'get_weather']);
      expect(fake.requests[0].body.tools[1]).toEqual(WEATHER);

      messages.push(first.choices[0].message, { role: 'tool', tool_call_id: 'call_w1', content: '{"celsius": 3}' });
      const second = await client.chat.completions.create({ model: 'notes-agent', messages, tools: [WEATHER] });
      expect([second.choices[0].finish_reason, second.choices[0].message.content]).toEqual(['stop', 'It is 3 °C in Oslo.']);
      expect(fake.requests[1].body.messages.slice(1)).toEqual([
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: null, tool_calls: first.choices[0].message.tool_calls },
        { role: 'tool', tool_call_id: 'call_w1', content: '{"celsius": 3}' },
      ]);

      // The whole exchange is the user's conversation: the next turn's call carries it, once.
      messages.push(second.choices[0].message, { role: 'user', content: 'What did I ask?' });
      await client.chat.completions.create({ model: 'notes-agent', messages });
      expect(fake.requests[2].body.messages.slice(1).map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
    });

    it("runs the workflow's tools on the server in the caller's own instances, and hands only the client's calls to the client", async () => {
      fake.reply({
        toolCalls: [
          { id: 'call_n1', name: 'notepad', arguments: { action: 'add', content: 'umbrella' } },
          { id: 'call_w2', name: 'get_weather', arguments: { city: 'Bergen' } },
        ],
      }, { content: 'Noted, and it rains in Bergen.' });
      const client = clientFor('bea');
      const first = await client.chat.completions.create({ model: 'notes-agent', messages: [{ role: 'user', content: 'Note umbrella; weather in Bergen?' }], tools: [WEATHER] });
      expect(first.choices[0].message.tool_calls!.map((call) => call.id)).toEqual(['call_w2']);
      expect(await notesOf('bea')).toEqual(['umbrella']);
      expect(await notesOf('cyd')).toBeUndefined();

      await client.chat.completions.create({
        model: 'notes-agent',
        tools: [WEATHER],
        messages: [{ role: 'user', content: 'Note umbrella; weather in Bergen?' }, first.choices[0].message, { role: 'tool', tool_call_id: 'call_w2', content: 'rain' }],
      });
      const sent = fake.requests[1].body.messages;
      expect(sent.filter((m: any) => m.role === 'tool').map((m: any) => m.tool_call_id)).toEqual(['call_n1', 'call_w2']);
      expect(sent.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_w2', content: 'rain' });
    });

    it('passes tool_choice and parallel_tool_calls to the model: a named or required choice for the first call, auto once the server ran tools', async () => {
      fake.reply({ toolCalls: [{ name: 'notepad', arguments: { action: 'count' } }] }, { toolCalls: [{ id: 'call_w3', name: 'get_weather', arguments: { city: 'Rome' } }] });
      const named = { type: 'function' as const, function: { name: 'get_weather' } };
      await clientFor('dee').chat.completions.create({ model: 'notes-agent', messages: [{ role: 'user', content: 'Rome?' }], tools: [WEATHER], tool_choice: named, parallel_tool_calls: false });
      expect([fake.requests[0].body.tool_choice, fake.requests[0].body.parallel_tool_calls]).toEqual([named, false]);
      expect([fake.requests[1].body.tool_choice, fake.requests[1].body.parallel_tool_calls]).toEqual(['auto', false]);

      fake.reset();
      await clientFor('eve').chat.completions.create({ model: 'notes-agent', messages: [{ role: 'user', content: 'hi' }], tools: [WEATHER], tool_choice: 'none' });
      await clientFor('fay').chat.completions.create({ model: 'notes-agent', messages: [{ role: 'user', content: 'hi' }], tool_choice: 'required' });
      expect(fake.requests.map((request) => request.body.tool_choice)).toEqual(['none', 'required']);
      expect(fake.requests[0].body).not.toHaveProperty('parallel_tool_calls');
    });

    it("streams a client's tool calls as OpenAI does: tool_calls deltas, then finish_reason tool_calls with the usage", async () => {
      fake.reply({ content: 'Let me check.', toolCalls: [{ id: 'call_w4', name: 'get_weather', arguments: { city: 'Paris' } }] });
      const stream = clientFor('gus').chat.completions.stream({ model: 'notes-agent', messages: [{ role: 'user', content: 'Paris?' }], tools: [WEATHER], stream_options: { include_usage: true } });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      stream.on('chunk', (chunk) => chunks.push(chunk));
      const completion = await stream.finalChatCompletion();
      expect(completion.choices[0].finish_reason).toBe('tool_calls');
      expect(completion.choices[0].message.content).toBe('Let me check.');
      expect(completion.choices[0].message.tool_calls).toMatchObject([{ id: 'call_w4', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
      expect(chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls)!.choices[0].delta.tool_calls).toEqual([
        { index: 0, id: 'call_w4', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ]);
      expect(chunks.at(-1)!.usage!.total_tokens).toBeGreaterThan(0);
      expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(new Set(['notes-agent']));
    });

    it('refuses a turn that leaves tool calls unanswered, answers an unknown call, or names a client tool like a server one', async () => {
      fake.reply({ toolCalls: [{ id: 'call_w5', name: 'get_weather', arguments: { city: 'Lima' } }] });
      const client = clientFor('hal');
      const first = await client.chat.completions.create({ model: 'notes-agent', messages: [{ role: 'user', content: 'Lima?' }], tools: [WEATHER] });
      const history: ChatCompletionMessageParam[] = [{ role: 'user', content: 'Lima?' }, first.choices[0].message];

      const unanswered = await client.chat.completions.create({ model: 'notes-agent', messages: [...history, { role: 'user', content: 'never mind' }] }).catch((e: unknown) => e);
      expect(unanswered).toBeInstanceOf(OpenAI.UnprocessableEntityError);
      expect((unanswered as Error).message).toContain("The tool calls call_w5 were not answered: send a message of role 'tool'");
      const unknown = await client.chat.completions.create({ model: 'notes-agent', messages: [...history, { role: 'tool', tool_call_id: 'call_zz', content: 'x' }] }).catch((e: unknown) => e);
      expect((unknown as Error).message).toContain("answers tool_call_id 'call_zz', which is no unanswered tool call of the conversation (unanswered: call_w5)");

      const clash = { type: 'function' as const, function: { name: 'notepad', parameters: { type: 'object' } } };
      const conflict = await clientFor('ian').chat.completions.create({ model: 'notes-agent', messages: [{ role: 'user', content: 'hi' }], tools: [clash] }).catch((e: unknown) => e);
      expect((conflict as Error).message).toContain("The client-side tool 'notepad' has the name of one of the workflow's own tools (notepad): rename it.");
      expect(fake.requests).toHaveLength(1);
    });
  });

  describe('response_format', () => {
    it('json_schema (strict): asks the model with the schema and replies with JSON that validates', async () => {
      fake.reply({ content: '{"city":"Oslo","days":3}' });
      const completion = await clientFor('jo').chat.completions.create({
        model: 'notes-agent',
        messages: [{ role: 'user', content: 'Forecast for Oslo, 3 days' }],
        response_format: { type: 'json_schema', json_schema: { name: 'forecast', schema: FORECAST_SCHEMA, strict: true } },
      });
      expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ city: 'Oslo', days: 3 });
      expect(fake.requests[0].body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'forecast', schema: FORECAST_SCHEMA, strict: true } });
    });

    it('an invalid reply is retried once, telling the model what was wrong; invalid again it is a 422 with the reply and the problems', async () => {
      fake.reply({ content: '{"city":"Oslo"}' }, { content: '{"city":"Oslo","days":2}' });
      const format = { type: 'json_schema' as const, json_schema: { name: 'forecast', schema: FORECAST_SCHEMA, strict: true } };
      const fixed = await clientFor('kai').chat.completions.create({ model: 'notes-agent', messages: [{ role: 'user', content: 'Oslo' }], response_format: format });
      expect(fixed.choices[0].message.content).toBe('{"city":"Oslo","days":2}');
      expect(fake.requests[1].body.messages.slice(-2)).toEqual([
        { role: 'assistant', content: '{"city":"Oslo"}' },
        { role: 'user', content: "Your reply was not valid: (root) must have required property 'days'. Reply again with only the JSON value that matches the schema." },
      ]);

      fake.reply({ content: 'sunny' }, { content: '{"city":"Oslo","days":0}' });
      const failed = await raw('POST', '/v1/chat/completions', { messages: [{ role: 'user', content: 'Oslo' }], response_format: format }, 'kai');
      expect(failed.status).toBe(422);
      expect(failed.json.error).toMatchObject({
        type: 'invalid_request_error',
        code: 'workflow_error',
        message: expect.stringContaining("did not reply with JSON matching the schema, also after one retry: /days must be >= 1"),
        details: { error: 'StructuredOutputError', raw: '{"city":"Oslo","days":0}', problems: ['/days must be >= 1'] },
      });
      // What was not valid is not remembered: the user's next turn starts from the valid one.
      fake.reply({ content: 'ok' });
      await clientFor('kai').chat.completions.create({ model: 'notes-agent', messages: [{ role: 'user', content: 'thanks' }] });
      expect(fake.requests.at(-1)!.body.messages.slice(1).map((m: any) => m.content)).toEqual(['Oslo', '{"city":"Oslo","days":2}', 'thanks']);
    });

    it('json_object wants a JSON object; streamed, the answer is sent once it is valid', async () => {
      fake.reply({ content: '[1, 2]' }, { content: '{"answer": 42}' });
      const stream = await clientFor('lou').chat.completions.create({ model: 'notes-agent', stream: true, messages: [{ role: 'user', content: 'JSON please' }], response_format: { type: 'json_object' } });
      const pieces: string[] = [];
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
      expect(pieces).toEqual(['{"answer":42}']);
      expect(fake.requests[0].body.response_format).toEqual({ type: 'json_object' });
    });

    it('an LLM without response_format is asked with an instruction; a format that is not one is a 400 naming it', async () => {
      const bad = await raw('POST', '/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'bogus' } } } });
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatchObject({ param: 'response_format', message: expect.stringContaining("Invalid 'response_format': response_format.json_schema.schema is not a valid JSON schema") });
    });
  });

  describe('errors in OpenAI shape', () => {
    it('an input error says what was wrong in message and which field in param', async () => {
      const badRole = await clientFor('max').chat.completions.create({ model: 'm', messages: [{ role: 'robot', content: 'hi' } as never] }).catch((e: unknown) => e);
      expect(badRole).toBeInstanceOf(OpenAI.BadRequestError);
      expect((badRole as APIError).message).toBe("400 Invalid 'messages[0].role': role must be one of: system, developer, user, assistant, tool.");
      expect((badRole as APIError).param).toBe('messages[0].role');
      expect((badRole as APIError).code).toBe('invalid_input');

      const two = await raw('POST', '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], n: 2 });
      expect([two.status, two.json.error.param, two.json.error.message]).toEqual([400, 'n', "Invalid 'n': n must be 1: one choice per request is supported."]);
      const image = await raw('POST', '/v1/chat/completions', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] });
      expect([image.status, image.json.error.param]).toEqual([400, 'messages[0].content']);
      expect(image.json.error.message).toContain("content[0] is of type 'image_url': images are not supported");
      const audio = await raw('POST', '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'mp3' } });
      expect(audio.json.error).toMatchObject({ param: 'audio', message: expect.stringContaining('audio is not supported: replies are text only') });
      const choice = await raw('POST', '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }], tools: [WEATHER], tool_choice: { type: 'function', function: { name: 'nope' } } });
      expect(choice.json.error).toMatchObject({ param: 'tool_choice', message: "Invalid 'tool_choice': tool_choice names the function 'nope', which is not in tools (get_weather)." });
      const noToolId = await raw('POST', '/v1/chat/completions', { messages: [{ role: 'tool', content: 'x' }] });
      expect(noToolId.json.error.param).toBe('messages[0].tool_call_id');
      expect(fake.requests).toHaveLength(0);
    });

    it('a path no /v1 route serves is a 404, and a served path asked with another method a 405 with Allow, both in OpenAI shape', async () => {
      const missing = await clientFor('ned').get('/responses_nope').catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
      expect((missing as Error).message).toBe('404 No route GET /v1/responses_nope. The OpenAI routes are listed in /openapi.json (tag chat).');

      const get = await raw('GET', '/v1/chat/completions');
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      expect(get.json).toEqual({ error: { message: '/v1/chat/completions does not take GET; it takes POST.', type: 'invalid_request_error', param: null, code: 'method_not_allowed' } });
      const remove = await raw('DELETE', '/v1/models/notes-agent');
      expect([remove.status, remove.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
      expect((await raw('POST', '/v1')).json.error.code).toBe('not_found');
      const badJson = await raw('POST', '/v1/chat/completions', '{"messages": [');
      expect([badJson.status, badJson.json.error?.code]).toEqual([400, 'invalid_json']);
    });
  });

  describe('one model name', () => {
    it('lists general.front_end.model_name, finds it by id, and refuses any other id with model_not_found', async () => {
      const client = clientFor();
      expect((await client.models.list()).data).toEqual([{ id: 'notes-agent', object: 'model', created: expect.any(Number), owned_by: 'userscope' }]);
      expect(await client.models.retrieve('notes-agent')).toMatchObject({ id: 'notes-agent', object: 'model' });
      const other = await client.models.retrieve('gpt-4o').catch((e: unknown) => e);
      expect(other).toBeInstanceOf(OpenAI.NotFoundError);
      expect(other).toMatchObject({ code: 'model_not_found', param: 'model', message: "404 The model 'gpt-4o' does not exist: this server serves one model, 'notes-agent'." });
    });

    it('names it in every reply, /chat too, not the upstream model', async () => {
      fake.reply({ content: 'one' }, { content: 'two' });
      const completion = await clientFor('ola').chat.completions.create({ model: 'whatever', messages: [{ role: 'user', content: 'hi' }] });
      expect(completion.model).toBe('notes-agent');
      expect((await server.post('/chat', { messages: [{ role: 'user', content: 'hi' }] }, 'ola')).json.model).toBe('notes-agent');
      expect(fake.requests[0].body.model).toBe('fake-model');
    });
  });
});

describe('/v1 response_format with an LLM asked by instructions (structured_output: instructions)', () => {
  let fake: FakeOpenAiServer;
  let server: TestServer;
  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, FAKE_LLM_URL: fake.url, STRUCTURED_OUTPUT: 'instructions' });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });

  it('puts the schema in an instruction instead of response_format, and validates the answer the same way', async () => {
    fake.reply({ content: '```json\n{"city":"Rome","days":1}\n```' });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0, defaultHeaders: { cookie: 'nat-session=pia' } });
    const completion = await client.chat.completions.create({
      model: 'notes-agent',
      messages: [{ role: 'user', content: 'Rome' }],
      response_format: { type: 'json_schema', json_schema: { name: 'forecast', schema: FORECAST_SCHEMA } },
    });
    expect(completion.choices[0].message.content).toBe('{"city":"Rome","days":1}');
    const sent = fake.requests[0].body;
    expect(sent).not.toHaveProperty('response_format');
    expect(sent.messages[1]).toEqual({ role: 'system', content: expect.stringContaining(`Schema: ${JSON.stringify(FORECAST_SCHEMA)}`) });
  });
});
