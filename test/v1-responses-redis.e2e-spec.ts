import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { APIError } from 'openai';
import { FakeOpenAiServer } from './support/fake-openai.server';
import { OwnRedisServer, requireRedis } from './support/redis';
import { startServer, TestServer } from './support/test-server';

/** Stored responses in Redis (the batch store's), seen alike by two servers: a Redis of the test's own, which it also stalls. */
describe('POST /v1/responses with stored responses in Redis, on two servers', () => {
  if (!requireRedis('responses in Redis', 'redis-server')) return;

  const dir = mkdtempSync(join(tmpdir(), 'userscope-responses-redis-'));
  let redis: OwnRedisServer;
  let fake: FakeOpenAiServer;
  const servers: TestServer[] = [];
  const client = (server: TestServer, user: string) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0, defaultHeaders: { cookie: `nat-session=${user}` } });
  const status = (error: unknown) => (error instanceof APIError ? error.status : error);

  beforeAll(async () => {
    redis = await OwnRedisServer.start(dir);
    fake = await FakeOpenAiServer.start();
    const env = { ...process.env, FAKE_LLM_URL: fake.url, REDIS_URL: redis.url, BATCH_KEY_PREFIX: 'responses-test:' };
    servers.push(await startServer('test/fixtures/v1-responses-redis.yml', env), await startServer('test/fixtures/v1-responses-redis.yml', env));
  }, 30_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    await fake?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves a user's stored response from the other server, and to no other user", async () => {
    const [a, b] = servers;
    fake.reply({ content: 'Stored on a' });
    const created = await client(a, 'alice').responses.create({ model: 'notes-agent', input: 'remember this' });
    expect(created.output_text).toBe('Stored on a');

    const fetched = await client(b, 'alice').responses.retrieve(created.id);
    expect(fetched.output_text).toBe('Stored on a');
    expect(await client(b, 'bob').responses.retrieve(created.id).then(() => 200, status)).toBe(404);
    expect(await client(b, 'bob').responses.create({ model: 'notes-agent', input: 'go on', previous_response_id: created.id }).then(() => 200, status)).toBe(404);

    fake.reply({ content: 'Continued on b' });
    const next = await client(b, 'alice').responses.create({ model: 'notes-agent', input: 'go on', previous_response_id: created.id });
    expect(next.output_text).toBe('Continued on b');
    await client(b, 'alice').responses.delete(created.id);
    expect(await client(a, 'alice').responses.retrieve(created.id).then(() => 200, status)).toBe(404);
  });

  it('answers 503 naming the Redis while it is stalled, and serves again once it is back', async () => {
    const [a] = servers;
    fake.reply({ content: 'Before' });
    const created = await client(a, 'carol').responses.create({ model: 'notes-agent', input: 'one' });
    redis.pause();
    try {
      const reply = await fetch(`${a.url}/v1/responses/${created.id}`, { headers: { cookie: 'nat-session=carol' } });
      expect(reply.status).toBe(503);
      const body = (await reply.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('response_store_unavailable');
      expect(body.error.message).toContain(`127.0.0.1:${redis.port}`);
    } finally {
      redis.resume();
    }
    expect((await client(a, 'carol').responses.retrieve(created.id)).output_text).toBe('Before');
  }, 30_000);
});
