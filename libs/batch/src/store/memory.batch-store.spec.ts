import { ExecutionRecord, NodeResult } from './batch-records';
import { MemoryBatchStore } from './memory.batch-store';

const execution: ExecutionRecord = { id: 'workflow-u1-r1', userId: 'u1', userName: 'Ada', status: 'pending', attempts: 0, tokens: 0, billedTokens: 0 };

function result(nodeId: string, content: unknown): NodeResult {
  return { nodeId, type: 'llm', structured: typeof content === 'object', content, tokens: 3, userName: 'Ada', userId: 'u1', durationMs: 1 };
}

describe('MemoryBatchStore', () => {
  let store: MemoryBatchStore;
  let fence: number;

  beforeEach(async () => {
    store = new MemoryBatchStore();
    fence = (await store.acquireLease('r1', 60_000))!;
  });

  it('copies executions in and out: a caller changing its records changes nothing stored', async () => {
    const mine = { ...execution };
    await store.putExecutions('r1', [mine], fence);
    mine.status = 'failed';
    const [read] = await store.getExecutions('r1');
    expect(read.status).toBe('pending');
    read.status = 'succeeded';
    expect((await store.getExecutions('r1'))[0].status).toBe('pending');
  });

  it('copies structured results deeply, replaces a node written again, and clears one user', async () => {
    const content = { score: 1, tags: ['a'] };
    await store.putResult('r1', result('n1', content), fence);
    await store.putResult('r1', result('n2', 'text'), fence);
    content.tags.push('b');
    const [first] = await store.getResults('r1');
    (first.content as { tags: string[] }).tags.push('c');
    expect((await store.getResults('r1'))[0].content).toEqual({ score: 1, tags: ['a'] });
    await store.putResult('r1', result('n1', 'again'), fence);
    expect((await store.getResults('r1')).map((r) => [r.nodeId, r.content])).toEqual([['n2', 'text'], ['n1', 'again']]);
    await store.clearResults('r1', 'u1', fence);
    expect(await store.getResults('r1')).toEqual([]);
  });

  it('copies users deeply, nested fields included', async () => {
    const user = { id: 'u1', name: 'Ada', profile: { city: 'Paris' } };
    await store.putUsers([user]);
    user.profile.city = 'Rome';
    const [read] = await store.getUsers(['u1']);
    expect(read).toEqual({ id: 'u1', name: 'Ada', profile: { city: 'Paris' } });
    (read!.profile as { city: string }).city = 'Oslo';
    expect((await store.listUsers())[0]).toEqual({ id: 'u1', name: 'Ada', profile: { city: 'Paris' } });
  });

  it('copies flat users too: neither what was put nor what was read changes what is stored', async () => {
    const user = { id: 'u2', name: 'Bo', role: 'Engineer', age: 41 };
    await store.putUsers([user]);
    user.name = 'Changed';
    const [read] = await store.getUsers(['u2']);
    expect(read).toEqual({ id: 'u2', name: 'Bo', role: 'Engineer', age: 41 });
    read!.name = 'Changed again';
    expect(await store.getUsers(['u2'])).toEqual([{ id: 'u2', name: 'Bo', role: 'Engineer', age: 41 }]);
  });
});
