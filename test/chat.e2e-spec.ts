import OpenAI from 'openai';
import { SessionRegistry } from '@userscope/runtime';
import { startServer, TestServer } from './support/test-server';
import { openStream } from './support/event-stream';
import { FakeOpenAiServer } from './support/fake-openai.server';

const CONFIG = 'test/fixtures/chat-agent.yml';

/** POSTs to a streaming route as `user` and reads the whole reply. */
async function postStream(server: TestServer, path: string, body: unknown, user?: string) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { cookie: `nat-session=${user}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** The `data:` payloads of an OpenAI event stream, `[DONE]` as a string. */
function dataEvents(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => block.replace(/^data: /, ''))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}

const say = (content: string) => ({ messages: [{ role: 'user', content }] });

describe('the per-user chat agent over the chat routes', () => {
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

  /** The user's notes, read from their own notepad instance. */
  async function notesOf(user: string): Promise<string[] | undefined> {
    const session = server.app.get(SessionRegistry).get(user);
    const notepad = session?.functions.get('notepad');
    return notepad && (await notepad.invoke({ action: 'list' })).notes;
  }

  it("POST /chat answers in NAT's chat response shape, with the model's usage", async () => {
    fake.reply({ content: 'Hello, Ann!', usage: { prompt_tokens: 40, completion_tokens: 4 } });
    const reply = await server.post('/chat', say('Hi, I am Ann'), 'ann');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      // The server's one model name (general.front_end.model_name, by default the workflow's type), not the upstream model's.
      model: 'per_user_chat_agent',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello, Ann!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 40, completion_tokens: 4, total_tokens: 44 },
    });
    const sent = fake.requests[0].body;
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You keep notes.' },
      { role: 'user', content: 'Hi, I am Ann' },
    ]);
    expect(sent.tools.map((tool: { function: { name: string } }) => tool.function.name)).toEqual(['notepad', 'preferences']);
    expect(sent.tools[0].function).toEqual({
      name: 'notepad',
      description: 'A per-user notepad that stores notes separately for each user.',
      parameters: {
        type: 'object',
        properties: {
          action: { type: 'string', description: "Action to perform: 'add', 'list', 'clear', or 'count'" },
          content: { type: 'string', description: "Note content (for 'add' action)", default: '' },
        },
        required: ['action'],
      },
    });
  });

  it("runs the model's tool calls with the caller's own notepad: Alice's note is hers, not Bob's", async () => {
    fake.reply({ toolCalls: [{ name: 'notepad', arguments: { action: 'add', content: 'buy milk' } }] }, { content: 'Noted: buy milk.' });
    const reply = await server.post('/chat', say('Please add a note: buy milk'), 'alice');
    expect(reply.json.choices[0].message.content).toBe('Noted: buy milk.');
    // The second call carried the tool's result back to the model.
    const followUp = fake.requests[1].body.messages;
    expect(followUp.slice(-2)).toEqual([
      { role: 'assistant', content: null, tool_calls: [expect.objectContaining({ type: 'function', function: { name: 'notepad', arguments: '{"action":"add","content":"buy milk"}' } })] },
      { role: 'tool', tool_call_id: followUp[followUp.length - 2].tool_calls[0].id, content: '{"success":true,"message":"Note added successfully","notes":[],"count":1}' },
    ]);
    expect(reply.json.usage.total_tokens).toBeGreaterThan(0);

    fake.reply({ toolCalls: [{ name: 'notepad', arguments: { action: 'list' } }] }, { content: 'You have no notes.' });
    await server.post('/chat', say('What are my notes?'), 'bob');
    expect(JSON.parse(fake.requests[3].body.messages.at(-1).content)).toEqual({ success: true, message: 'Found 0 notes', notes: [], count: 0 });
    expect(await notesOf('alice')).toEqual(['buy milk']);
    expect(await notesOf('bob')).toEqual([]);
  });

  it("remembers each user's conversation, and only theirs", async () => {
    fake.reply({ content: 'Nice to meet you, Carol.' }, { content: 'Hi Dan.' }, { content: 'You are Carol.' }, { content: 'You are Dan.' });
    await server.post('/chat', say('My name is Carol'), 'carol');
    await server.post('/chat', say('My name is Dan'), 'dan');
    await server.post('/chat', say('Who am I?'), 'carol');
    await server.post('/chat', say('Who am I?'), 'dan');
    const conversation = (index: number) => fake.requests[index].body.messages.slice(1).map((m: { content: string }) => m.content);
    expect(conversation(2)).toEqual(['My name is Carol', 'Nice to meet you, Carol.', 'Who am I?']);
    expect(conversation(3)).toEqual(['My name is Dan', 'Hi Dan.', 'Who am I?']);
  });

  it('answers a tool call it cannot run with the error, so the model can correct itself', async () => {
    fake.reply({ toolCalls: [{ name: 'notepad', arguments: { content: 'no action' } }] }, { content: 'Sorry.' });
    await server.post('/chat', say('add something'), 'erin');
    const toolMessage = JSON.parse(fake.requests[1].body.messages.at(-1).content);
    expect(toolMessage).toEqual({
      error: "The arguments do not match the input schema of 'notepad'.",
      details: [{ field: 'action', errors: ['action must be a string'] }],
    });
  });

  it('stops after max_iterations with a clear 422', async () => {
    fake.fallback = () => ({ toolCalls: [{ name: 'notepad', arguments: { action: 'count' } }] });
    const reply = await server.post('/chat', say('loop'), 'frank');
    expect(reply.status).toBe(422);
    expect(reply.json).toEqual({
      code: 'workflow_error',
      message: 'The chat agent made 3 LLM calls without reaching an answer (max_iterations: 3); the model kept calling tools.',
      details: { function: '<workflow>', error: 'ChatAgentIterationsError' },
    });
    expect(fake.requests).toHaveLength(3);
  });

  it('POST /chat/stream sends chat.completion.chunk events, the usage in the last, then [DONE]', async () => {
    fake.reply({ toolCalls: [{ name: 'notepad', arguments: { action: 'add', content: 'call mum' } }] }, { content: 'Added your note.', usage: { prompt_tokens: 30, completion_tokens: 4 } });
    const reply = await postStream(server, '/chat/stream', say('note: call mum'), 'gina');
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe('text/event-stream');
    const events = dataEvents(reply.text) as any[];
    expect(events[events.length - 1]).toBe('[DONE]');
    const chunks = events.slice(0, -1);
    expect(new Set(chunks.map((chunk) => chunk.object))).toEqual(new Set(['chat.completion.chunk']));
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('')).toBe('Added your note.');
    const last = chunks[chunks.length - 1];
    expect(last.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(last.usage.total_tokens).toBe(last.usage.prompt_tokens + last.usage.completion_tokens);
    expect(last.usage.prompt_tokens).toBeGreaterThanOrEqual(30);
    expect(await notesOf('gina')).toEqual(['call mum']);
  });

  it("a client that leaves a stream cancels the model's request, and its tokens so far are counted", async () => {
    fake.reply({ content: 'a long answer that never ends', endless: true });
    const stream = await openStream(`${server.url}/chat/stream`, say('tell me everything'), 'iris');
    expect((stream.firstEvent.data as any).choices[0].delta).toEqual({ role: 'assistant', content: '' });
    await fake.received(1);
    stream.request.destroy();
    await fake.requests[0].closed;
    const session = server.app.get(SessionRegistry).get('iris')!;
    // The runner releases the request in the same turn of the loop as the generator's cleanup.
    while (session.activeRequests > 0) await new Promise(setImmediate);
    expect(session.llm.llm_calls).toBe(1);
    expect(session.llm.prompt_tokens).toBeGreaterThan(0);
  });

  it('a failure once the stream has started is an error event, then the stream ends', async () => {
    fake.reply({ status: 401, error: 'Incorrect API key provided' });
    const reply = await postStream(server, '/chat/stream', say('hello'), 'hank');
    const events = dataEvents(reply.text) as any[];
    expect(events[events.length - 1]).toEqual({
      error: {
        message: "LLM 'fake' was refused by its server (HTTP 401): Incorrect API key provided. Check llms.fake.api_key (e.g. api_key: ${OPENAI_API_KEY}).",
        type: 'invalid_request_error',
        param: null,
        code: 'workflow_error',
        details: { function: '<workflow>', error: 'LlmAuthenticationError' },
      },
    });
    expect(reply.text).not.toContain('sk-fixture-secret');
  });

  it("an LLM that refuses the key is a 422 naming the LLM and the server's message", async () => {
    fake.reply({ status: 401, error: 'Incorrect API key provided' });
    const reply = await server.post('/chat', say('hello'), 'hank');
    expect(reply.status).toBe(422);
    expect(reply.json.message).toBe("LLM 'fake' was refused by its server (HTTP 401): Incorrect API key provided. Check llms.fake.api_key (e.g. api_key: ${OPENAI_API_KEY}).");
    expect(reply.text).not.toContain('sk-fixture-secret');
  });

  it('checks the chat request and the identity before calling anything', async () => {
    const noUser = await server.post('/chat', say('hi'));
    expect(noUser.status).toBe(401);
    expect(noUser.json.code).toBe('missing_identity');
    const badRole = await server.post('/chat', { messages: [{ role: 'robot', content: 'hi' }] }, 'ivy');
    expect(badRole.status).toBe(400);
    expect(badRole.json.details).toEqual([{ field: 'messages.0.role', errors: ['role must be one of: system, developer, user, assistant, tool'] }]);
    const empty = await server.post('/chat', { messages: [] }, 'ivy');
    expect(empty.status).toBe(400);
    const noNewMessage = await server.post('/chat', { messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] }, 'ivy');
    expect(noNewMessage.status).toBe(422);
    expect(noNewMessage.json.message).toBe("The conversation must end with a user message, or with the 'tool' messages that answer the last reply's tool calls: send the new message last.");
    expect(fake.requests).toHaveLength(0);
  });

  describe('POST /v1/chat/completions with the openai client as the caller', () => {
    const clientFor = (user?: string) =>
      new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0, defaultHeaders: user ? { cookie: `nat-session=${user}` } : {} });

    it('answers a completion, the tool calls run with the caller’s notepad', async () => {
      fake.reply({ toolCalls: [{ name: 'notepad', arguments: { action: 'add', content: 'from the sdk' } }] }, { content: 'Done.' });
      const completion = await clientFor('jack').chat.completions.create({ model: 'anything', messages: [{ role: 'user', content: 'add: from the sdk' }] });
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0].message).toMatchObject({ role: 'assistant', content: 'Done.' });
      expect(completion.usage?.total_tokens).toBeGreaterThan(0);
      expect(await notesOf('jack')).toEqual(['from the sdk']);
    });

    it('streams chunks ending with the usage, and an OpenAI-style conversation resend is not doubled in memory', async () => {
      fake.reply({ content: 'First answer.' }, { content: 'Second answer.' });
      const client = clientFor('kate');
      await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'first' }] });
      const stream = await client.chat.completions.create({
        model: 'm',
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'First answer.' },
          { role: 'user', content: 'second' },
        ],
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe('Second answer.');
      expect(usage?.total_tokens).toBeGreaterThan(0);
      expect(fake.requests[1].body.messages.slice(1).map((m: { content: string }) => m.content)).toEqual(['first', 'First answer.', 'second']);
    });

    it('lists the workflow as the model', async () => {
      const models = await clientFor().models.list();
      expect(models.data).toEqual([{ id: 'per_user_chat_agent', object: 'model', created: expect.any(Number), owned_by: 'userscope' }]);
    });

    it("gives the client Userscope's errors in OpenAI's shape", async () => {
      const noIdentity = await clientFor().chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(noIdentity).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((noIdentity as Error).message).toBe("401 This workflow is per-user: identify the caller with the 'nat-session' cookie, e.g. 'Cookie: nat-session=alice'.");

      fake.reply({ status: 404, error: 'The model `fake-model` does not exist' });
      const failed = await clientFor('liam').chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(OpenAI.UnprocessableEntityError);
      expect((failed as Error).message).toContain("LLM 'fake': the server at");
      expect((failed as Error).message).toContain("does not know model 'fake-model'");

      fake.reply({ status: 401, error: 'Incorrect API key provided' });
      const stream = await clientFor('liam').chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] });
      const midStream = await (async () => {
        for await (const _chunk of stream);
      })().catch((e: unknown) => e);
      expect((midStream as Error).message).toContain("LLM 'fake' was refused by its server (HTTP 401)");
    });
  });

  it('documents the chat routes in /openapi.json, with the chat request and reply schemas', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as any;
    for (const path of ['/chat', '/chat/stream', '/v1/chat/completions']) {
      const operation = document.paths[path].post;
      expect(operation.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ChatRequest' });
      expect(operation.security).toEqual([{ [Object.keys(document.components.securitySchemes)[0]]: [] }]);
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '422']));
    }
    expect(document.components.schemas.ChatResponse.properties.usage).toBeDefined();
  });

  it("shows each user's tokens in the monitor, and every LLM's totals in /metrics", async () => {
    fake.reply({ content: 'one', usage: { prompt_tokens: 100, completion_tokens: 10 } }, { toolCalls: [{ name: 'notepad', arguments: { action: 'count' } }], usage: { prompt_tokens: 200, completion_tokens: 20 } }, { content: 'two', usage: { prompt_tokens: 300, completion_tokens: 30 } });
    await server.post('/chat', say('hello'), 'mona');
    await server.post('/chat', say('count my notes'), 'mona');
    const monitor = (await (await fetch(`${server.url}/monitor/users`)).json()) as { users: { user_id: string; llm: Record<string, number> }[] };
    const mona = monitor.users.find((user) => user.user_id === 'mona')!;
    expect(mona.llm).toEqual({ prompt_tokens: 600, completion_tokens: 60, total_tokens: 660, llm_calls: 3, cost_micros: {} }); // no price set: no cost

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const total = (kind: string) => monitor.users.reduce((sum, user) => sum + user.llm[kind], 0);
    // By LLM and the model that answered; never by user.
    const series = (name: string, kind?: string) =>
      metrics
        .split('\n')
        .filter((line) => line.startsWith(`${name}{llm="fake",model=`) && (kind === undefined || line.includes(`kind="${kind}"`)))
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    expect(metrics).toMatch(/^userscope_llm_tokens_total\{llm="fake",model="[^"]+",kind="prompt"\} \d+$/m);
    expect(series('userscope_llm_tokens_total', 'prompt')).toBe(total('prompt_tokens'));
    expect(series('userscope_llm_tokens_total', 'completion')).toBe(total('completion_tokens'));
    expect(series('userscope_llm_calls_total')).toBe(total('llm_calls'));
    const labelled = metrics.split('\n').filter((line) => line.startsWith('userscope_'));
    expect(labelled.length).toBeGreaterThan(0);
    for (const user of monitor.users.map((entry) => entry.user_id)) expect(labelled.filter((line) => line.includes(`"${user}"`))).toEqual([]);
  });
});

describe('the per-user chat agent under general.function_timeout', () => {
  let fake: FakeOpenAiServer;
  let server: TestServer;
  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    server = await startServer(CONFIG, { ...process.env, FAKE_LLM_URL: fake.url, FUNCTION_TIMEOUT: '300ms' });
  });
  afterAll(async () => {
    await server.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  // The agent runs one turn of a user at a time: a turn given up on must stop its model call, or it would hold the next.
  it("a turn past the timeout is a 504 that cancels the model's request, and the user's next turn is answered", async () => {
    fake.reply({ hang: true }, { content: 'Here now.' });
    const timedOut = await server.post('/chat', say('are you there?'), 'jill');
    expect([timedOut.status, timedOut.json.code]).toEqual([504, 'function_timeout']);
    await fake.requests[0].closed;
    const next = await server.post('/chat', say('and now?'), 'jill');
    expect([next.status, next.json.choices?.[0].message.content]).toEqual([200, 'Here now.']);
  });

  it("a stream that stalls past the timeout ends with the error event, cancels the model's request, and the next turn is answered", async () => {
    fake.reply({ content: 'half an answer', stall: true }, { content: 'Whole.' });
    const stalled = dataEvents((await postStream(server, '/chat/stream', say('tell me'), 'kim')).text) as any[];
    expect(stalled.at(-1)).toEqual({ error: expect.objectContaining({ code: 'function_timeout', type: 'server_error' }) });
    await fake.requests[0].closed;
    const next = dataEvents((await postStream(server, '/chat/stream', say('again'), 'kim')).text) as any[];
    expect(next.at(-1)).toBe('[DONE]');
    expect(next.slice(0, -1).map((chunk: any) => chunk.choices[0].delta.content ?? '').join('')).toBe('Whole.');
  });
});

describe('the chat routes with a workflow that does not take chat requests', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('configs/config.yml');
  });
  afterAll(() => server.close());

  it('answer 400 not_a_chat_workflow, saying what to call instead', async () => {
    const chat = await server.post('/chat', say('hi'), 'alice');
    expect(chat.status).toBe(400);
    expect(chat.json.code).toBe('not_a_chat_workflow');
    expect(chat.json.message).toMatch(/^The workflow 'per_user_assistant' does not take chat requests: .* Call POST \/generate/);
    expect((await postStream(server, '/chat/stream', say('hi'), 'alice')).status).toBe(400);
    const completions = await server.post('/v1/chat/completions', say('hi'), 'alice');
    expect(completions.status).toBe(400);
    expect(completions.json.error).toMatchObject({ type: 'invalid_request_error', code: 'not_a_chat_workflow' });
  });
});

describe('configs/chat.yml offline, on the echo model', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer('configs/chat.yml', { ...process.env, CHAT_LLM: 'echo' });
  });
  afterAll(() => server.close());

  it("echoes, and 'call <tool> <json>' runs the tool for the caller", async () => {
    expect((await server.post('/chat', say('hello there'), 'olga')).json.choices[0].message.content).toBe('hello there');
    const added = await server.post('/chat', say('call notepad {"action": "add", "content": "offline note"}'), 'olga');
    expect(JSON.parse(added.json.choices[0].message.content)).toEqual({ success: true, message: 'Note added successfully', notes: [], count: 1 });
    const listed = await server.post('/chat', say('call notepad {"action": "list"}'), 'olga');
    expect(JSON.parse(listed.json.choices[0].message.content).notes).toEqual(['offline note']);
    const other = await server.post('/chat', say('call notepad {"action": "list"}'), 'pete');
    expect(JSON.parse(other.json.choices[0].message.content).notes).toEqual([]);
    expect(added.json.usage.prompt_tokens).toBeGreaterThan(0);
  });
});
