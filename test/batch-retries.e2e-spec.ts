import { BatchApi } from './support/batch-api';
import { FakeOpenAiServer, ScriptedReply } from './support/fake-openai.server';
import { startServer, TestServer } from './support/test-server';

const lastUserText = (body: any): string => String(body.messages.filter((m: any) => m.role === 'user').pop()?.content ?? '');

/** Batch retries of llm nodes, against an OpenAI-protocol server on 127.0.0.1 that answers as each test scripts. */
describe('batch retries and billing of llm nodes', () => {
  let model: FakeOpenAiServer;
  let server: TestServer;
  let api: BatchApi;
  /** When each model request arrived (ms, performance.now()), and what it asked. */
  let arrivals: { at: number; prompt: string }[];

  /** Answers each request with `answer(prompt, nth request of that prompt)`. */
  function answerWith(answer: (prompt: string, nth: number) => ScriptedReply): void {
    model.fallback = (body) => {
      const prompt = lastUserText(body);
      arrivals.push({ at: performance.now(), prompt });
      return answer(prompt, arrivals.filter((arrival) => arrival.prompt === prompt).length);
    };
  }

  beforeAll(async () => {
    model = await FakeOpenAiServer.start();
    server = await startServer('test/fixtures/batch-retries.yml', { ...process.env, MODEL_URL: model.url });
    api = new BatchApi(server.url);
    await api.importUsers(['ann', 'bob', 'cat', 'dan', 'eve', 'fay', 'gus', 'hal'].map((id) => ({ id, name: id.toUpperCase() })));
  });
  afterAll(async () => {
    await server.close();
    await model.close();
  });
  beforeEach(() => {
    model.reset();
    arrivals = [];
  });

  const run = async (workflowId: string, userIds: string[]) => {
    const { runId } = await api.startRun({ workflowId, userIds, concurrency: 1 });
    const finished = await api.finished(runId, 20_000);
    return { runId, run: finished, byUser: Object.fromEntries(finished.executions.map((e: any) => [e.userId, e])) as Record<string, any> };
  };

  describe('Retry-After', () => {
    it("waits at least the server's Retry-After before the execution's retry", async () => {
      answerWith((prompt, nth) => (nth === 1 ? { status: 429, error: 'slow down', headers: { 'retry-after': '1' } } : { content: `ok ${prompt}` }));
      const { byUser } = await run('ask-once', ['ann']);
      expect(byUser.ann).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(arrivals).toHaveLength(2);
      expect(arrivals[1].at - arrivals[0].at).toBeGreaterThanOrEqual(1000);
    });
  });

  describe('attempts per (user, node) are bounded across the LLM policy and the batch retries', () => {
    it('does not retry an execution whose LLM error the LLM policy already retried to exhaustion', async () => {
      answerWith(() => ({ status: 503, error: 'overloaded' }));
      const { byUser } = await run('ask-thrice', ['bob']);
      expect(byUser.bob).toMatchObject({ status: 'failed', attempts: 1 });
      expect(byUser.bob.error).toMatch(/gave up after 3 attempts/);
      expect(arrivals).toHaveLength(3); // 1 + max_retries, not max_attempts × (1 + max_retries) = 9
    });

    it('does not retry an LLM error that another attempt cannot fix (a bad request)', async () => {
      answerWith(() => ({ status: 400, error: 'prompt refused' }));
      const { byUser } = await run('ask-once', ['cat']);
      expect(byUser.cat).toMatchObject({ status: 'failed', attempts: 1 });
      expect(arrivals).toHaveLength(1);
    });

    it('retries a failed node without calling the nodes before it again', async () => {
      answerWith((prompt, nth) => (prompt.startsWith('polish') && nth === 1 ? { status: 500, error: 'hiccup' } : { content: `ok ${prompt}` }));
      const { byUser } = await run('two-steps', ['dan']);
      expect(byUser.dan).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(arrivals.map((arrival) => arrival.prompt)).toEqual(['draft for DAN', 'polish ok draft for DAN', 'polish ok draft for DAN']);
    });
  });

  describe('billed tokens', () => {
    const usage = { prompt_tokens: 7, completion_tokens: 3 }; // 10 a call

    it("bills every attempt's calls, failed executions' too, and the run's billed total is the model's and the monitor's", async () => {
      const users = ['eve', 'fay', 'gus', 'hal'];
      // eve: polish fails once, then succeeds. fay: polish is refused (400): fails after a billed draft.
      // gus: polish fails on all three attempts, after one draft. hal: no failure.
      answerWith((prompt, nth) => {
        if (prompt.startsWith('polish') && prompt.includes('EVE') && nth === 1) return { status: 500, error: 'hiccup' };
        if (prompt.startsWith('polish') && prompt.includes('FAY')) return { status: 400, error: 'refused' };
        if (prompt.startsWith('polish') && prompt.includes('GUS')) return { status: 500, error: 'down' };
        return { content: `ok ${prompt}`, usage };
      });
      const before = await monitorTokens(users);
      const { runId, run: finished, byUser } = await run('two-steps', users);
      const answered = arrivals.length - 1 - 1 - 3; // eve's first polish, fay's polish and gus's three polishes answered errors
      const modelTokens = answered * 10;

      expect(byUser.eve).toMatchObject({ status: 'succeeded', attempts: 2, tokens: 20, billedTokens: 20 });
      expect(byUser.fay).toMatchObject({ status: 'failed', attempts: 1, tokens: 10, billedTokens: 10 });
      expect(byUser.gus).toMatchObject({ status: 'failed', attempts: 3, tokens: 10, billedTokens: 10 });
      expect(byUser.hal).toMatchObject({ status: 'succeeded', attempts: 1, tokens: 20, billedTokens: 20 });
      expect(finished).toMatchObject({ tokens: 60, billedTokens: modelTokens });

      const monitored = (await monitorTokens(users)) - before;
      expect(monitored).toBe(modelTokens);
      const analytics = (await api.get(`/api/runs/${runId}/analytics`)).json;
      expect(analytics).toMatchObject({ totalTokens: 60, billedTokens: modelTokens });
      const results = (await api.get(`/api/runs/${runId}/results`)).json.users;
      expect(results.find((user: any) => user.userId === 'fay')).toMatchObject({ status: 'failed', tokens: 10, billedTokens: 10, nodes: [{ nodeId: 'draft', tokens: 10 }] });
    });

    it('bills the replies of an attempt that failed and was retried, beside the final attempt\'s tokens', async () => {
      // Two replies that break the schema fail the first attempt (the structured output retries once); the second gets JSON.
      answerWith(() => ({ content: arrivals.length <= 2 ? 'not json' : '{"title":"Hi ANN"}', usage }));
      const before = await monitorTokens(['ann']);
      const { runId, run: finished, byUser } = await run('structured', ['ann']);
      expect(arrivals).toHaveLength(3);
      expect(byUser.ann).toMatchObject({ status: 'succeeded', attempts: 2, tokens: 10, billedTokens: 30 });
      expect(finished).toMatchObject({ tokens: 10, billedTokens: 30 });
      expect((await monitorTokens(['ann'])) - before).toBe(30);
      expect((await api.get(`/api/runs/${runId}/analytics`)).json).toMatchObject({ totalTokens: 10, billedTokens: 30 });
    });
  });

  async function monitorTokens(userIds: string[]): Promise<number> {
    const { users } = (await api.get('/monitor/users')).json;
    return users.filter((user: any) => userIds.includes(user.user_id)).reduce((sum: number, user: any) => sum + (user.llm?.total_tokens ?? 0), 0);
  }
});
