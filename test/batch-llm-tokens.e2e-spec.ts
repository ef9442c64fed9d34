import { BatchApi } from './support/batch-api';
import { startServer, TestServer } from './support/test-server';
import { TalkerProbe } from './fixtures/llm-tokens.plugin';

const say = (content: string) => ({ messages: [{ role: 'user', content }] });

/** A node's tokens are its own LLM calls', not a share of what the same user spent meanwhile. */
describe('tokens of a batch function node while its user has other requests running', () => {
  let server: TestServer;
  let api: BatchApi;

  beforeAll(async () => {
    server = await startServer('test/fixtures/llm-tokens.yml');
    api = new BatchApi(server.url);
  });
  afterAll(() => server.close());
  beforeEach(() => TalkerProbe.reset());

  it("counts exactly the node's own calls, and the user's total counts every call", async () => {
    await api.importUsers([{ id: 'ann', name: 'Ann' }]);
    const { runId } = await api.startRun({ workflowId: 'talk', userIds: ['ann'] });
    await TalkerProbe.halfway;

    // Ann chats while her node waits between its two LLM calls.
    const chats = await Promise.all(['one', 'two', 'three'].map((text) => server.post('/chat', say(`Ann says ${text}`), 'ann')));
    expect(chats.map((reply) => reply.status)).toEqual([200, 200, 200]);
    const afterChats = (await api.get('/monitor/users?user_id=ann')).json.users[0].llm;
    expect(afterChats.llm_calls).toBe(4); // the node's first call and the three chats

    TalkerProbe.proceed();
    expect((await api.finished(runId)).status).toBe('completed');
    const node = (await api.get(`/api/runs/${runId}/results`)).json.users[0].nodes[0];
    expect(TalkerProbe.tokens).toBeGreaterThan(0);
    expect(node).toMatchObject({ nodeId: 'talk', type: 'function', tokens: TalkerProbe.tokens });

    const total = (await api.get('/monitor/users?user_id=ann')).json.users[0].llm;
    expect(total.llm_calls).toBe(5);
    expect(total.total_tokens).toBeGreaterThan(TalkerProbe.tokens);
  });
});
