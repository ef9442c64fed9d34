import { createHmac } from 'node:crypto';
import { BatchApi } from './support/batch-api';
import { CliServer, startCliServer } from './support/cli-server';
import { FakeOpenAiServer } from './support/fake-openai.server';
import { OtlpReceiver, ReceivedSpan } from './support/otlp-receiver';

const CONFIG = 'test/fixtures/tracing.yml';
const KEY = 'k'.repeat(32);
const COLLECTOR_TOKEN = 'collector-token-4471';
const USER = 'user-ann-7781';
const PROMPT = 'Remember: the door code is QX-PROMPT-5521';
const REPLY = 'Noted, the code is stored as ZZ-REPLY-9043.';
const NOTE = 'door code QX-NOTE-1177';

const say = (content: string) => ({ messages: [{ role: 'user', content }] });

/** The model calls the notepad once, then answers. */
function scriptToolTurn(fake: FakeOpenAiServer): void {
  fake.reply(
    { toolCalls: [{ name: 'notepad', arguments: { action: 'add', content: NOTE } }], usage: { prompt_tokens: 61, completion_tokens: 12 } },
    { content: REPLY, usage: { prompt_tokens: 90, completion_tokens: 14 } },
  );
}

const named = (spans: ReceivedSpan[], name: string) => spans.filter((span) => span.name === name);
const traceOf = (spans: ReceivedSpan[], traceId: string) => spans.filter((span) => span.traceId === traceId);

describe('OpenTelemetry GenAI traces (general.telemetry.tracing)', () => {
  let fake: FakeOpenAiServer;
  let plain: OtlpReceiver;
  let full: OtlpReceiver;
  let server: CliServer;

  /** POSTs JSON as `user` (the nat-session cookie), with `headers`. */
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `nat-session=${USER}`, ...headers }, body: JSON.stringify(body) });

  // The server runs as `userscope serve` does, in its own process (the OTLP exporter's dynamic imports need no jest VM).
  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    [plain, full] = await Promise.all([OtlpReceiver.start(), OtlpReceiver.start()]);
    server = await startCliServer(CONFIG, {
      FAKE_LLM_URL: fake.url,
      OTLP_PLAIN_ENDPOINT: plain.endpoint,
      OTLP_FULL_ENDPOINT: full.endpoint,
      COLLECTOR_TOKEN,
      USERSCOPE_TELEMETRY_USER_ID_KEY: KEY,
      // The exporter sends a batch every 5 s by default; the tests need not wait that long.
      OTEL_BSP_SCHEDULE_DELAY: '50',
    });
  });
  afterAll(async () => {
    await server?.process.stop(5000);
    await Promise.all([fake.close(), plain.close(), full.close()]);
  });
  beforeEach(() => {
    fake.reset();
    plain.reset();
    full.reset();
  });

  it('exports invoke_agent, chat and execute_tool spans nested as they ran, with the GenAI attributes and the monitor’s token sum', async () => {
    scriptToolTurn(fake);
    const reply = await post('/chat', say(PROMPT));
    expect(reply.status).toBe(200);
    const spans = await plain.waitFor((got) => named(got, 'invoke_agent per_user_chat_agent').length === 1 && named(got, 'chat fake-model').length === 2);

    const [agent] = named(spans, 'invoke_agent per_user_chat_agent');
    expect(agent.parentSpanId).toBeUndefined();
    expect(agent.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'per_user_chat_agent',
      'enduser.pseudo.id': createHmac('sha256', KEY).update(USER).digest('hex'),
      'gen_ai.conversation.id': expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(agent.attributes).not.toHaveProperty('enduser.id');

    const chats = named(spans, 'chat fake-model');
    const [tool] = named(spans, 'execute_tool notepad');
    for (const child of [...chats, tool]) {
      expect(child.traceId).toBe(agent.traceId);
      expect(child.parentSpanId).toBe(agent.spanId);
    }
    expect(chats[0].attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'fake-model',
      'gen_ai.response.model': expect.any(String),
      'gen_ai.usage.input_tokens': 61,
      'gen_ai.usage.output_tokens': 12,
    });
    expect(tool.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'notepad' });

    const monitor = (await (await fetch(`${server.url}/monitor/users?user_id=${USER}`)).json()) as { users: { llm: { total_tokens: number } }[] };
    const traced = chats.reduce((sum, span) => sum + Number(span.attributes['gen_ai.usage.input_tokens']) + Number(span.attributes['gen_ai.usage.output_tokens']), 0);
    expect(traced).toBe(monitor.users[0].llm.total_tokens);
    expect(traced).toBe(61 + 12 + 90 + 14);
    expect(plain.headers.every((headers) => headers.authorization === `Bearer ${COLLECTOR_TOKEN}`)).toBe(true);
    expect(full.headers.every((headers) => headers.authorization === undefined)).toBe(true);
    expect(server.process.printed).toContain('Tracing: GenAI spans exported to plain, full');
    expect(server.process.printed).not.toContain(COLLECTOR_TOKEN);
  });

  it('exports no prompt, reply, tool argument or raw user id where capture_content and include_user_id are off, and all of them where on', async () => {
    scriptToolTurn(fake);
    expect((await post('/chat', say(PROMPT))).status).toBe(200);
    await plain.waitFor((got) => named(got, 'chat fake-model').length === 2 && named(got, 'invoke_agent per_user_chat_agent').length === 1);
    const spans = await full.waitFor((got) => named(got, 'chat fake-model').length === 2 && named(got, 'invoke_agent per_user_chat_agent').length === 1);

    const exported = plain.bodies.join('\n');
    for (const text of ['QX-PROMPT-5521', 'ZZ-REPLY-9043', 'QX-NOTE-1177', 'You keep notes', USER]) expect(exported).not.toContain(text);

    const [first, second] = named(spans, 'chat fake-model');
    expect(first.attributes['gen_ai.input.messages']).toContain('QX-PROMPT-5521');
    expect(second.attributes['gen_ai.output.messages']).toContain('ZZ-REPLY-9043');
    expect(named(spans, 'execute_tool notepad')[0].attributes['gen_ai.tool.call.arguments']).toContain('QX-NOTE-1177');
    expect(named(spans, 'invoke_agent per_user_chat_agent')[0].attributes['enduser.id']).toBe(USER);
  });

  // `/generate` is answered by the lane in front of Fastify (tracing leaves it on); `?through=fastify` by the route.
  it.each(['/generate', '/generate?through=fastify'])("makes the request's span a child of the caller's W3C traceparent (%s)", async (path) => {
    expect(server.process.printed).not.toContain("POST /generate goes through Fastify's route");
    fake.reply({ content: 'Hello.', usage: { prompt_tokens: 5, completion_tokens: 1 } });
    const traceId = path === '/generate' ? '4bf92f3577b34da6a3ce929d0e0e4736' : '5cf92f3577b34da6a3ce929d0e0e4737';
    const parent = '00f067aa0ba902b7';
    const reply = await post(path, say('Hi'), { traceparent: `00-${traceId}-${parent}-01` });
    expect(reply.status).toBe(200);
    const spans = await plain.waitFor((got) => traceOf(got, traceId).length === 2);
    const [agent] = named(traceOf(spans, traceId), 'invoke_agent per_user_chat_agent');
    expect(agent.parentSpanId).toBe(parent);
    expect(named(traceOf(spans, traceId), 'chat fake-model')[0].parentSpanId).toBe(agent.spanId);
  });

  it('traces /v1/chat/completions as the same agent run', async () => {
    fake.reply({ content: 'From v1.', usage: { prompt_tokens: 9, completion_tokens: 2 } });
    const reply = await post('/v1/chat/completions', { model: 'per_user_chat_agent', ...say('Hi from an OpenAI client') });
    expect(reply.status).toBe(200);
    const spans = await plain.waitFor((got) => named(got, 'chat fake-model').length === 1 && named(got, 'invoke_agent per_user_chat_agent').length === 1);
    expect(named(spans, 'chat fake-model')[0].parentSpanId).toBe(named(spans, 'invoke_agent per_user_chat_agent')[0].spanId);
  });

  it('nests the chat span in a streamed reply too (/chat/stream)', async () => {
    fake.reply({ content: 'Streamed words here.', usage: { prompt_tokens: 7, completion_tokens: 3 } });
    const response = await post('/chat/stream', say('Stream it'));
    expect(response.status).toBe(200);
    await response.text();
    const spans = await plain.waitFor((got) => named(got, 'chat fake-model').length === 1 && named(got, 'invoke_agent per_user_chat_agent').length === 1);
    const [agent] = named(spans, 'invoke_agent per_user_chat_agent');
    const [chat] = named(spans, 'chat fake-model');
    expect(chat.parentSpanId).toBe(agent.spanId);
    expect(chat.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.output_tokens': 3 });
  });

  it('sets error.type on the failed LLM call and on the request', async () => {
    fake.reply({ status: 400, error: 'the model refuses' });
    const reply = await post('/chat', say('Fail, please'));
    expect(reply.status).toBeGreaterThanOrEqual(400);
    const spans = await plain.waitFor((got) => named(got, 'chat fake-model').length === 1 && named(got, 'invoke_agent per_user_chat_agent').length === 1);
    const [chat] = named(spans, 'chat fake-model');
    const [agent] = named(spans, 'invoke_agent per_user_chat_agent');
    expect(chat.attributes['error.type']).toEqual(expect.any(String));
    expect(chat.status.code).toBe(2);
    expect(agent.attributes['error.type']).toEqual(expect.any(String));
  });

  it('makes each batch execution an invoke_agent span with its run and execution ids, its LLM calls inside it', async () => {
    fake.reply({ content: 'a done', usage: { prompt_tokens: 11, completion_tokens: 2 } }, { content: 'b done', usage: { prompt_tokens: 13, completion_tokens: 3 } });
    const api = new BatchApi(server.url);
    await api.importUsers([{ id: 'batch-user-1', name: 'Bo' }]);
    const { runId } = await api.startRun({ workflowId: 'pair', userIds: ['batch-user-1'] });
    const run = await api.finished(runId);
    expect(run.status).toBe('completed');
    const spans = await plain.waitFor((got) => named(got, 'invoke_agent pair').length === 1 && named(got, 'chat fake-model').length === 2);
    const [execution] = named(spans, 'invoke_agent pair');
    expect(execution.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'pair',
      'gen_ai.agent.name': 'Two calls',
      'userscope.batch.run_id': runId,
      'userscope.batch.execution_id': expect.stringContaining(runId),
      'enduser.pseudo.id': createHmac('sha256', KEY).update('batch-user-1').digest('hex'),
    });
    const chats = named(spans, 'chat fake-model');
    expect(chats.map((chat) => chat.parentSpanId)).toEqual([execution.spanId, execution.spanId]);
    expect(chats.map((chat) => chat.attributes['gen_ai.usage.input_tokens'])).toEqual([11, 13]);
  });
});
