import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  countTextTokens,
  LlmAuthenticationError,
  LlmClient,
  LlmConnectionError,
  LlmModelNotFoundError,
  LlmModule,
  LlmRateLimitError,
  LlmRegistry,
  LlmStreamEvent,
  LlmTimeoutError,
  StructuredOutputError,
  TokenAccounting,
} from '@userscope/llm';
import { runAsSession, UserSession } from '@userscope/runtime';
import { createServer } from 'node:net';
import { FakeOpenAiServer } from './support/fake-openai.server';

const API_KEY = 'sk-test-secret-key';

describe('_type: openai against an OpenAI-protocol server', () => {
  let fake: FakeOpenAiServer;
  let app: INestApplicationContext;
  let llms: LlmRegistry;
  let accounting: TokenAccounting;
  let closedPort: number;

  /** An LLM module with `main` (and `slow`, `bad`) configured against the fake. */
  beforeAll(async () => {
    fake = await FakeOpenAiServer.start();
    closedPort = await freePort();
    const common = { _type: 'openai', base_url: fake.url, api_key: API_KEY, retry_initial_delay: '1ms', retry_max_delay: '2s' };
    app = await NestFactory.createApplicationContext(
      LlmModule.forRoot({
        llms: {
          main: { ...common, model_name: 'test-model', temperature: 0.2, max_tokens: 64, max_retries: 2 },
          slow: { ...common, model_name: 'test-model', timeout: '150ms', max_retries: 1 },
          demo: { _type: 'echo' },
          unreachable: { _type: 'openai', base_url: `http://127.0.0.1:${closedPort}/v1`, api_key: API_KEY, model_name: 'm', max_retries: 0 },
        },
      }),
      { logger: false },
    );
    llms = app.get(LlmRegistry);
    accounting = app.get(TokenAccounting);
  });
  afterAll(async () => {
    await app.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }] });
  const main = (): LlmClient => llms.get('main');

  async function collect(events: AsyncIterable<LlmStreamEvent>): Promise<LlmStreamEvent[]> {
    const all: LlmStreamEvent[] = [];
    for await (const event of events) all.push(event);
    return all;
  }

  it('sends the configured model and settings with the API key, and reads the reply and its usage', async () => {
    fake.reply({ content: 'Hello!', usage: { prompt_tokens: 12, completion_tokens: 3 } });
    const result = await main().chat(ask('Hi'));
    expect(result).toEqual({
      message: { role: 'assistant', content: 'Hello!' },
      finishReason: 'stop',
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      usageSource: 'server',
      model: 'test-model',
    });
    const [request] = fake.requests;
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body).toEqual({ model: 'test-model', messages: [{ role: 'user', content: 'Hi' }], temperature: 0.2, max_tokens: 64, stream: false });
  });

  it('counts the tokens with the tokenizer when the server reports no usage', async () => {
    fake.reply({ content: 'The answer is forty-two.', usage: null });
    const result = await main().chat(ask('What is the answer?'));
    expect(result.usageSource).toBe('tokenizer');
    expect(result.usage.completion_tokens).toBe(countTextTokens('The answer is forty-two.'));
    expect(result.usage.prompt_tokens).toBeGreaterThan(countTextTokens('What is the answer?'));
    expect(result.usage.total_tokens).toBe(result.usage.prompt_tokens + result.usage.completion_tokens);
  });

  it('streams the text as it comes, then the whole reply with the usage of the last chunk', async () => {
    fake.reply({ content: 'One two three', usage: { prompt_tokens: 7, completion_tokens: 3 } });
    const events = await collect(main().stream(ask('Count')));
    expect(events.filter((event) => event.type === 'content').map((event) => (event as { text: string }).text)).toEqual(['One', ' two', ' three']);
    expect(events[events.length - 1]).toEqual({
      type: 'result',
      result: expect.objectContaining({ message: { role: 'assistant', content: 'One two three' }, usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 }, usageSource: 'server' }),
    });
    expect(fake.requests[0].body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('counts the tokens of a stream whose server sends no usage', async () => {
    fake.reply({ content: 'Streamed without usage', usage: null });
    const events = await collect(main().stream(ask('Go')));
    const result = (events[events.length - 1] as Extract<LlmStreamEvent, { type: 'result' }>).result;
    expect(result.usageSource).toBe('tokenizer');
    expect(result.usage.completion_tokens).toBe(countTextTokens('Streamed without usage'));
  });

  it('reads tool calls, whole or streamed in pieces', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'notepad', parameters: { type: 'object' } } }];
    const call = { name: 'notepad', arguments: { action: 'add', content: 'buy milk' }, id: 'call_1' };
    const expected = [{ id: 'call_1', type: 'function', function: { name: 'notepad', arguments: '{"action":"add","content":"buy milk"}' } }];
    fake.reply({ toolCalls: [call] }, { toolCalls: [call] });
    const whole = await main().chat({ ...ask('add a note'), tools });
    expect(whole.message).toEqual({ role: 'assistant', content: null, tool_calls: expected });
    expect(whole.finishReason).toBe('tool_calls');
    expect(fake.requests[0].body).toMatchObject({ tools, tool_choice: 'auto' });
    const streamed = await collect(main().stream({ ...ask('add a note'), tools }));
    expect(streamed).toEqual([{ type: 'result', result: expect.objectContaining({ message: { role: 'assistant', content: null, tool_calls: expected }, finishReason: 'tool_calls' }) }]);
  });

  it("retries a 429 after the server's Retry-After, then succeeds", async () => {
    fake.reply({ status: 429, error: 'Rate limit reached', headers: { 'retry-after-ms': '200' } }, { content: 'finally' });
    const retriesBefore = accounting.byLlm().get('main')?.retries ?? 0;
    const started = performance.now();
    const result = await main().chat(ask('Hi'));
    expect(result.message.content).toBe('finally');
    expect(fake.requests).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
    expect(accounting.byLlm().get('main')?.retries).toBe(retriesBefore + 1);
  });

  it('retries 5xx with backoff, and gives up after max_retries naming the LLM and the attempts', async () => {
    fake.reply({ status: 503, error: 'overloaded' }, { status: 500, error: 'oops' }, { content: 'ok' });
    expect((await main().chat(ask('Hi'))).message.content).toBe('ok');
    fake.reset();
    fake.reply(...Array.from({ length: 3 }, () => ({ status: 429, error: 'Rate limit reached' })));
    const error = (await main().chat(ask('Hi')).catch((e: unknown) => e)) as LlmRateLimitError;
    expect(error).toBeInstanceOf(LlmRateLimitError);
    expect(error.message).toBe("LLM 'main' is rate limited (HTTP 429): Rate limit reached (gave up after 3 attempts)");
    expect(fake.requests).toHaveLength(3);
  });

  it('times out a server that does not answer, retries, and says which setting to change', async () => {
    fake.reply({ hang: true }, { hang: true });
    const error = (await llms.get('slow').chat(ask('Hi')).catch((e: unknown) => e)) as LlmTimeoutError;
    expect(error).toBeInstanceOf(LlmTimeoutError);
    expect(error.message).toBe("LLM 'slow' did not answer within 0.15s (llms.slow.timeout). (gave up after 2 attempts)");
    // Each attempt's request was closed by the client, not left hanging.
    await Promise.all(fake.requests.map((request) => request.closed));
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up on a stream that stalls for longer than the timeout', async () => {
    fake.reply({ content: 'half an answer', stall: true });
    const events: LlmStreamEvent[] = [];
    const error = await (async () => {
      for await (const event of llms.get('slow').stream(ask('Hi'))) events.push(event);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmTimeoutError);
    expect(events).toEqual([{ type: 'content', text: 'half' }]);
    await fake.requests[0].closed;
  });

  it('reports a refused API key once, with the LLM and the server message, never the key', async () => {
    fake.reply({ status: 401, error: 'Incorrect API key provided: sk-te***key.' });
    const error = (await main().chat(ask('Hi')).catch((e: unknown) => e)) as LlmAuthenticationError;
    expect(error).toBeInstanceOf(LlmAuthenticationError);
    expect(error.message).toBe("LLM 'main' was refused by its server (HTTP 401): Incorrect API key provided: sk-te***key.. Check llms.main.api_key (e.g. api_key: ${OPENAI_API_KEY}).");
    expect(error.message).not.toContain(API_KEY);
    expect(fake.requests).toHaveLength(1);
  });

  it('reports an unknown model once, naming the model, the server and what to check', async () => {
    fake.reply({ status: 404, error: 'The model `test-model` does not exist' });
    const error = (await main().chat(ask('Hi')).catch((e: unknown) => e)) as LlmModelNotFoundError;
    expect(error).toBeInstanceOf(LlmModelNotFoundError);
    expect(error.message).toBe(
      `LLM 'main': the server at ${fake.url} does not know model 'test-model' (HTTP 404): The model \`test-model\` does not exist. Check llms.main.model_name and llms.main.base_url.`,
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('reports a server it cannot reach', async () => {
    const error = (await llms.get('unreachable').chat(ask('Hi')).catch((e: unknown) => e)) as LlmConnectionError;
    expect(error).toBeInstanceOf(LlmConnectionError);
    expect(error.message).toBe(`LLM 'unreachable' could not reach http://127.0.0.1:${closedPort}/v1: connect ECONNREFUSED 127.0.0.1:${closedPort}`);
  });

  it("records each call's tokens for the user whose request made it", async () => {
    const alice = new UserSession('alice');
    const bob = new UserSession('bob');
    fake.reply({ content: 'a', usage: { prompt_tokens: 10, completion_tokens: 1 } }, { content: 'b', usage: { prompt_tokens: 20, completion_tokens: 2 } }, { content: 'c d', usage: { prompt_tokens: 5, completion_tokens: 2 } });
    await runAsSession(alice, () => main().chat(ask('1')));
    await runAsSession(alice, () => collect(main().stream(ask('2'))));
    await runAsSession(bob, () => main().chat(ask('3')));
    expect(alice.llm).toEqual({ prompt_tokens: 30, completion_tokens: 3, total_tokens: 33, llm_calls: 2, cost_micros: {} });
    expect(bob.llm).toEqual({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, llm_calls: 1, cost_micros: {} });
  });

  it('records the tokens of a stream the caller left early, and cancels its request', async () => {
    const carol = new UserSession('carol');
    fake.reply({ content: 'many words in this reply', usage: { prompt_tokens: 9, completion_tokens: 5 } });
    await runAsSession(carol, async () => {
      for await (const event of main().stream(ask('talk'))) if (event.type === 'content') break;
    });
    expect(carol.llm.llm_calls).toBe(1);
    expect(carol.llm.completion_tokens).toBe(countTextTokens('many'));
  });

  describe('structured output', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

    it('sends response_format json_schema and returns the validated value', async () => {
      fake.reply({ content: '{"city":"Paris"}' });
      const result = await main().structured<{ city: string }>({ ...ask('Capital of France?'), schema, schemaName: 'capital' });
      expect(result.value).toEqual({ city: 'Paris' });
      expect(fake.requests[0].body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'capital', schema, strict: false } });
    });

    it('works offline on the echo model, which answers with a value built from the schema', async () => {
      const result = await llms.get('demo').structured<{ city: string }>({ ...ask('Capital of France?'), schema });
      expect(result).toMatchObject({ value: { city: 'Capital of France?' }, mode: 'json_schema' });
      expect(result.usage.prompt_tokens).toBeGreaterThan(0);
    });

    it('fails with the raw reply after one retry', async () => {
      fake.reply({ content: 'Paris.' }, { content: '{"town":"Paris"}' });
      const error = (await main().structured({ ...ask('Capital of France?'), schema }).catch((e: unknown) => e)) as StructuredOutputError;
      expect(error).toBeInstanceOf(StructuredOutputError);
      expect(error.raw).toBe('{"town":"Paris"}');
      expect(error.problems).toEqual(["(root) must have required property 'city'"]);
      expect(fake.requests).toHaveLength(2);
    });
  });
});

/** A loopback port that nothing listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
