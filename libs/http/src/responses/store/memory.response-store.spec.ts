import { MemoryResponseStore } from './memory.response-store';
import { StoredResponse } from './response-store.interface';

const stored = (id: string): StoredResponse => ({ response: { id, output: [] } as unknown as StoredResponse['response'], input: [] });

describe('MemoryResponseStore', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('keeps a response for the ttl, for its user only', async () => {
    const store = new MemoryResponseStore({ ttlMs: 60_000, maxPerUser: 10 }, clock);
    await store.save('ada', stored('resp_1'));
    expect((await store.get('ada', 'resp_1'))?.response.id).toBe('resp_1');
    expect(await store.get('bea', 'resp_1')).toBeUndefined();
    expect(await store.delete('bea', 'resp_1')).toBe(false);
    now += 59_999;
    expect(await store.get('ada', 'resp_1')).toBeDefined();
    now += 1;
    expect(await store.get('ada', 'resp_1')).toBeUndefined();
    expect(await store.delete('ada', 'resp_1')).toBe(false);
  });

  it("drops a user's oldest beyond the most they may have, and sweeps the expired of users who stopped calling", async () => {
    const store = new MemoryResponseStore({ ttlMs: 1_000, maxPerUser: 2 }, clock);
    for (const id of ['resp_1', 'resp_2', 'resp_3']) await store.save('ada', stored(id));
    expect(await store.get('ada', 'resp_1')).toBeUndefined();
    expect(await store.get('ada', 'resp_3')).toBeDefined();
    now += 1_000;
    await store.save('bea', stored('resp_4'));
    expect((store as unknown as { users: Map<string, unknown> }).users.has('ada')).toBe(false);
  });

  it('hands out copies', async () => {
    const store = new MemoryResponseStore({ ttlMs: 1_000, maxPerUser: 2 }, clock);
    await store.save('ada', stored('resp_1'));
    (await store.get('ada', 'resp_1'))!.input.push({ role: 'user', content: 'injected' });
    expect((await store.get('ada', 'resp_1'))!.input).toEqual([]);
  });
});
