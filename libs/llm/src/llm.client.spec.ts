import { EchoLlmConfig } from './config/echo-llm.config';
import { LlmChatRequest } from './interfaces/llm.interface';
import { LlmClient } from './llm.client';
import { EchoLlm } from './providers/echo.llm';
import { LlmRateLimiter } from './rate-limit/llm-rate.limiter';
import { MemoryRateWindow } from './rate-limit/memory.rate-window';
import { RetryPolicy } from './retry.policy';
import { TokenAccounting } from './token.accounting';

/** The echo model behind a client limited to `limits` per minute; `calls` counts what reached the model. */
function limitedClient(limits: { requestsPerWindow?: number; tokensPerWindow?: number }) {
  const provider = new EchoLlm('demo', new EchoLlmConfig());
  const counted = { calls: 0 };
  const complete = provider.complete.bind(provider);
  const openStream = provider.openStream.bind(provider);
  provider.complete = (request) => (counted.calls++, complete(request));
  provider.openStream = (request) => (counted.calls++, openStream(request));
  const window = new MemoryRateWindow({ windowMs: 60_000, requestsPerWindow: 0, tokensPerWindow: 0, ...limits });
  const client = new LlmClient('demo', 'echo', provider, new RetryPolicy('demo', { maxRetries: 0, initialDelayMs: 0, maxDelayMs: 0 }), new TokenAccounting(), new LlmRateLimiter('demo', window));
  return { client, counted };
}

const ask = (content: string, signal?: AbortSignal): LlmChatRequest => ({ messages: [{ role: 'user', content }], signal });

describe('LlmClient with a rate_limit', () => {
  it('makes a call over requests_per_minute wait, and its signal (a function_timeout) ends the wait before the model is called', async () => {
    const { client, counted } = limitedClient({ requestsPerWindow: 1 });
    await client.chat(ask('first'));
    const waited = client.chat(ask('second', AbortSignal.timeout(50)));
    await expect(waited).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(counted.calls).toBe(1);
  });

  it("counts each call's tokens, a stream's too, and holds the next call once tokens_per_minute are used", async () => {
    const { client, counted } = limitedClient({ tokensPerWindow: 30 });
    const first = await client.chat(ask('a few words'));
    expect(first.usage.total_tokens).toBeLessThan(30);
    const events = [];
    for await (const event of client.stream(ask('a few more words, enough to pass the limit of thirty tokens in all'))) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'result' });
    await expect(client.chat(ask('third', AbortSignal.timeout(50)))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(counted.calls).toBe(2);
  });
});
