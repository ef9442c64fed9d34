import { FixedLatencyModelServer } from '../bench/harness/fixed-latency-model.server';
import { startServer, TestServer } from './support/test-server';

/** A batch run whose node calls an OpenAI-protocol model server on 127.0.0.1. */
describe('batch run of an llm node for 200 users', () => {
  let model: FixedLatencyModelServer;
  let server: TestServer;
  const api = async (method: string, path: string, body?: unknown): Promise<any> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };

  beforeAll(async () => {
    model = await FixedLatencyModelServer.start(15);
    server = await startServer('test/fixtures/batch-llm.yml', { ...process.env, MODEL_URL: model.url });
  });
  afterAll(async () => {
    await server.close();
    await model.close();
  });

  it('never has more model calls in flight than the run concurrency, and personalises each user', async () => {
    const users = Array.from({ length: 200 }, (_, i) => ({ id: `u${i}`, name: `User ${i}`, role: i % 2 ? 'Designer' : 'Engineer' }));
    expect(await api('POST', '/api/users/import', users)).toEqual({ imported: 200, rejected: [] });
    const { runId } = await api('POST', '/api/runs', { workflowId: 'script', all: true, concurrency: 12 });
    for (let run = await api('GET', `/api/runs/${runId}`); run.status !== 'completed'; run = await api('GET', `/api/runs/${runId}`)) {
      expect(['queued', 'running']).toContain(run.status);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(model.requests).toBe(200);
    expect(model.maxInFlight).toBeLessThanOrEqual(12);
    expect(model.maxInFlight).toBeGreaterThan(6);

    const exported = await api('GET', `/api/runs/${runId}/export`);
    expect(exported).toHaveLength(200);
    const user7 = exported.find((entry: { user: string }) => entry.user === 'User 7');
    expect(user7.result).toEqual({ hook: 'Create a script for User 7, a Designer.', hashtags: ['Create a script for User 7, a Designer.'] });

    const results = await api('GET', `/api/runs/${runId}/results`);
    const node = results.users.find((user: { userId: string }) => user.userId === 'u3').nodes[0];
    // `llmType` is the LLM's `_type`, so the page can tell a model's answer from the echo stand-in's.
    expect(node).toMatchObject({ nodeId: '1', type: 'llm', model: 'fixed-latency', llmType: 'openai', structured: true, tokens: 30 });

    // Tokens are the user's own: the monitor shows them on that user.
    const monitor = await api('GET', '/monitor/users?user_id=u3');
    expect(monitor.users[0].llm).toEqual({ prompt_tokens: 20, completion_tokens: 10, total_tokens: 30, llm_calls: 1, cost_micros: {} });
  });
});
