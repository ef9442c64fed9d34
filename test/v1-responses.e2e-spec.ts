import OpenAI, { APIError } from 'openai';
import type { FunctionTool } from 'openai/resources/responses/responses';
import { startServer, TestServer } from './support/test-server';
import { FakeOpenAiServer } from './support/fake-openai.server';

const CONFIG = 'test/fixtures/v1-chat.yml';

const WEATHER: FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

const FORECAST_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1 } },
  required: ['city', 'days'],
  additionalProperties: false,
};

describe('POST /v1/responses as the openai client uses it', () => {
  let fake: FakeOpenAiServer;
  let server: TestServer;
  const clientFor = (user: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0, defaultHeaders: { cookie: `nat-session=${user}` } });

  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, FAKE_LLM_URL: fake.url, RESPONSES_MAX_PER_USER: '3' });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  async function raw(method: string, path: string, body?: unknown, user = 'raw') {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { cookie: `nat-session=${user}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  }

  it('answers a string input on the chat workflow, with instructions as a system message, the served model name and the usage', async () => {
    fake.reply({ content: 'Hello Ada.' });
    const response = await clientFor('ada').responses.create({ model: 'anything', input: 'Hi, I am Ada', instructions: 'Be brief.' });
    expect(response).toMatchObject({ object: 'response', status: 'completed', model: 'notes-agent', instructions: 'Be brief.', store: true, previous_response_id: null });
    expect(response.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(response.output_text).toBe('Hello Ada.');
    expect(response.output).toEqual([
      { type: 'message', id: expect.stringMatching(/^msg_/), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Hello Ada.', annotations: [], logprobs: [] }] },
    ]);
    expect(response.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: 2, total_tokens: expect.any(Number) });
    expect(response.usage!.input_tokens).toBeGreaterThan(0);
    expect(fake.requests[0].body.messages).toEqual([
      { role: 'system', content: 'You keep notes.' },
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi, I am Ada' },
    ]);
  });

  it("offers function tools next to the workflow's; a call ends the response with function_call items, and previous_response_id with the output goes on", async () => {
    fake.reply({ toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: { city: 'Oslo' } }] }, { content: 'It is 3 °C in Oslo.' });
    const client = clientFor('bea');
    const first = await client.responses.create({ model: 'notes-agent', input: 'Weather in Oslo?', tools: [WEATHER] });
    expect(first.output).toEqual([
      { type: 'function_call', id: expect.stringMatching(/^fc_/), call_id: 'call_w1', name: 'get_weather', arguments: '{"city":"Oslo"}', status: 'completed' },
    ]);
    expect(fake.requests[0].body.tools.map((tool: any) => tool.function.name)).toEqual(['notepad', 'get_weather']);
    expect(fake.requests[0].body.tools[1].function).toEqual({ name: 'get_weather', description: WEATHER.description, parameters: WEATHER.parameters, strict: true });

    const second = await client.responses.create({
      model: 'notes-agent',
      previous_response_id: first.id,
      input: [{ type: 'function_call_output', call_id: 'call_w1', output: '{"celsius": 3}' }],
      tools: [WEATHER],
    });
    expect(second.output_text).toBe('It is 3 °C in Oslo.');
    expect(second.previous_response_id).toBe(first.id);
    expect(fake.requests[1].body.messages.slice(1)).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_w1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_w1', content: '{"celsius": 3}' },
    ]);
  });

  it('takes items: messages, and function_call with its function_call_output, as the conversation of a user who has none yet', async () => {
    fake.reply({ content: 'Rain in Oslo.' });
    await clientFor('cyd').responses.create({
      model: 'm',
      tools: [WEATHER],
      input: [
        { role: 'developer', content: 'Answer in three words.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Weather in Oslo?' }] },
        { type: 'function_call', call_id: 'call_x', name: 'get_weather', arguments: '{"city":"Oslo"}' },
        { type: 'function_call_output', call_id: 'call_x', output: 'rain' },
      ],
    });
    expect(fake.requests[0].body.messages.slice(1)).toEqual([
      { role: 'system', content: 'Answer in three words.' },
      { role: 'user', content: 'Weather in Oslo?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
      { role: 'tool', tool_call_id: 'call_x', content: 'rain' },
    ]);
  });

  it('takes an item_reference to an item of your own stored responses only', async () => {
    const client = clientFor('cat');
    const first = await client.responses.create({ model: 'm', input: 'Remember Oslo' });
    const again = await client.responses.create({ model: 'm', input: [{ role: 'user', content: 'Remember Oslo' }, { type: 'item_reference', id: first.output[0].id! }, { role: 'user', content: 'Which city?' }] });
    expect(again.output_text).toBe('Which city?');
    expect(fake.requests[1].body.messages.slice(1).map((m: any) => m.content)).toEqual(['Remember Oslo', 'Remember Oslo', 'Which city?']);
    const elsewhere = await raw('POST', '/v1/responses', { input: [{ type: 'item_reference', id: first.output[0].id }] }, 'dee');
    expect([elsewhere.status, elsewhere.json.error.code, elsewhere.json.error.param]).toEqual([404, 'item_not_found', 'input[0]']);
    const madeUp = await raw('POST', '/v1/responses', { input: [{ type: 'item_reference', id: 'msg_nope' }] }, 'cat');
    expect(madeUp.status).toBe(404);
  });

  it('text.format json_schema takes the structured-output path: the answer is JSON that validates', async () => {
    fake.reply({ content: '{"city":"Oslo"}' }, { content: '{"city":"Oslo","days":3}' });
    const response = await clientFor('eve').responses.create({
      model: 'm',
      input: 'Forecast for Oslo, 3 days',
      text: { format: { type: 'json_schema', name: 'forecast', schema: FORECAST_SCHEMA, strict: true } },
    });
    expect(JSON.parse(response.output_text)).toEqual({ city: 'Oslo', days: 3 });
    expect(fake.requests[0].body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'forecast', schema: FORECAST_SCHEMA, strict: true } });
    expect(fake.requests[1].body.messages.at(-1).content).toContain("must have required property 'days'");
    expect(response.text!.format).toEqual({ type: 'json_schema', name: 'forecast', schema: FORECAST_SCHEMA, strict: true });
  });

  it('streams the Responses events: created, text deltas, function call argument deltas, completed with the usage', async () => {
    fake.reply({ content: 'Let me check the weather.', toolCalls: [{ id: 'call_s1', name: 'get_weather', arguments: { city: 'Paris' } }] });
    const stream = clientFor('fay').responses.stream({ model: 'm', input: 'Paris?', tools: [WEATHER] });
    const events: string[] = [];
    const deltas: string[] = [];
    stream.on('event', (event) => events.push(event.type));
    stream.on('response.output_text.delta', (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();
    expect(deltas.join('')).toBe('Let me check the weather.');
    expect(deltas.length).toBeGreaterThan(1);
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(response.output[1]).toMatchObject({ call_id: 'call_s1', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(response.usage!.total_tokens).toBeGreaterThan(0);
    expect(events[0]).toBe('response.created');
    expect(events.at(-1)).toBe('response.completed');
    expect(events).toEqual(expect.arrayContaining(['response.output_item.added', 'response.content_part.added', 'response.output_text.done', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done']));
    // Stored, as a response made without a stream is.
    const stored = await clientFor('fay').responses.retrieve(response.id);
    expect(stored.output.map((item: any) => item.id)).toEqual(response.output.map((item: any) => item.id));
    expect(stored.output_text).toBe('Let me check the weather.');
  });

  it('keeps stored responses per user: another user asking for one, continuing from it or deleting it gets 404', async () => {
    const owner = clientFor('gus');
    const other = clientFor('hal');
    const mine = await owner.responses.create({ model: 'm', input: 'secret plan' });
    expect((await owner.responses.retrieve(mine.id)).output_text).toBe('secret plan');

    const read = await other.responses.retrieve(mine.id).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(OpenAI.NotFoundError);
    expect((read as APIError).message).toBe(`404 Response with id '${mine.id}' not found.`);
    const chained = await other.responses.create({ model: 'm', input: 'go on', previous_response_id: mine.id }).catch((e: unknown) => e);
    expect(chained).toBeInstanceOf(OpenAI.NotFoundError);
    expect((chained as APIError).param).toBe('previous_response_id');
    expect(await other.responses.delete(mine.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    expect(fake.requests).toHaveLength(1);

    await owner.responses.delete(mine.id);
    expect(await owner.responses.retrieve(mine.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    const unstored = await owner.responses.create({ model: 'm', input: 'forget me', store: false });
    expect((unstored as unknown as { store: boolean }).store).toBe(false);
    expect(await owner.responses.retrieve(unstored.id).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('keeps at most general.front_end.responses_max_per_user a user: the oldest go first', async () => {
    const client = clientFor('ian');
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) ids.push((await client.responses.create({ model: 'm', input: `message ${n}` })).id);
    expect(await client.responses.retrieve(ids[0]).catch((e: unknown) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    for (const id of ids.slice(1)) expect((await client.responses.retrieve(id)).id).toBe(id);
    // Another user's responses do not count against this one's.
    expect((await clientFor('jo').responses.create({ model: 'm', input: 'x' })).status).toBe('completed');
    expect((await client.responses.retrieve(ids[1])).id).toBe(ids[1]);
  });

  it('refuses what it cannot do with a 400 naming the field: images, hosted tools, background, and a tool_choice not in tools', async () => {
    const image = await raw('POST', '/v1/responses', { input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }] });
    expect([image.status, image.json.error.param]).toEqual([400, 'input']);
    expect(image.json.error.message).toContain("input[0].content[0]: content parts of type 'input_image' are not supported");
    const hosted = await raw('POST', '/v1/responses', { input: 'x', tools: [{ type: 'web_search' }] });
    expect([hosted.status, hosted.json.error.param]).toEqual([400, 'tools[0].type']);
    expect(hosted.json.error.message).toContain("tools of type 'web_search' are not supported");
    const background = await raw('POST', '/v1/responses', { input: 'x', background: true });
    expect([background.status, background.json.error.param]).toEqual([400, 'background']);
    const choice = await raw('POST', '/v1/responses', { input: 'x', tools: [WEATHER], tool_choice: { type: 'function', name: 'nope' } });
    expect(choice.json.error.message).toBe("Invalid 'tool_choice': tool_choice names the function 'nope', which is not in tools (get_weather).");
    const format = await raw('POST', '/v1/responses', { input: 'x', text: { format: { type: 'json_schema', schema: {} } } });
    expect([format.status, format.json.error.param]).toEqual([400, 'text']);
    expect(format.json.error.message).toContain('text.format.name must be 1 to 64 letters');
    // OpenAI's sampling bounds, the same as /v1/chat/completions takes.
    const hot = await raw('POST', '/v1/responses', { input: 'x', temperature: 2.5 });
    expect([hot.status, hot.json.error.param, hot.json.error.message]).toEqual([400, 'temperature', "Invalid 'temperature': temperature must not be greater than 2."]);
    const nucleus = await raw('POST', '/v1/responses', { input: 'x', top_p: -0.1 });
    expect([nucleus.status, nucleus.json.error.param, nucleus.json.error.message]).toEqual([400, 'top_p', "Invalid 'top_p': top_p must not be less than 0."]);
    const none = await raw('POST', '/v1/responses', {});
    expect([none.status, none.json.error.param]).toEqual([400, 'input']);
    const get = await raw('PUT', '/v1/responses/resp_x');
    expect(get.status).toBe(405);
    expect(fake.requests).toHaveLength(0);
  });
});
