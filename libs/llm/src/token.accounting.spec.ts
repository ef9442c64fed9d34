import { runAsSession, trackCurrentSession, UserSession } from '@userscope/runtime';
import { TokenAccounting } from './token.accounting';

const usage = (tokens: number) => ({ prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TokenAccounting.measure', () => {
  it('counts the calls made inside the work alone, not those of work running at the same time', async () => {
    const accounting = new TokenAccounting();
    const calls = (tokens: number) => async () => {
      for (let i = 0; i < 3; i++) {
        await tick();
        accounting.record('main', usage(tokens));
      }
      return tokens;
    };
    const [a, b] = await Promise.all([accounting.measure(calls(1)), accounting.measure(calls(10))]);
    expect([a.value, a.usage.total_tokens, b.usage.total_tokens]).toEqual([1, 3, 30]);
    expect(accounting.byLlm().get('main')).toMatchObject({ prompt_tokens: 33, calls: 6 });
  });

  it('counts a nested measure in the enclosing one too', async () => {
    const accounting = new TokenAccounting();
    const outer = await accounting.measure(async () => {
      accounting.record('main', usage(2));
      return accounting.measure(() => accounting.record('main', usage(5)));
    });
    expect([outer.usage.total_tokens, outer.value.usage.total_tokens]).toEqual([7, 5]);
  });

  it('counts usage credited from another process in the enclosing scopes, not in its totals', async () => {
    const accounting = new TokenAccounting();
    const outer = await accounting.measure(async () => {
      accounting.record('main', usage(2));
      return accounting.measure(() => accounting.credit(usage(40)));
    });
    expect([outer.usage.total_tokens, outer.value.usage.total_tokens]).toEqual([42, 40]);
    expect(accounting.byLlm().get('main')).toMatchObject({ prompt_tokens: 2, calls: 1 });
    expect(() => accounting.credit(usage(1))).not.toThrow(); // outside any measure: counted nowhere
  });
});

describe('TokenAccounting: the run, the scopes and the session of a call', () => {
  it("names a forRun's run on its calls, counts a measure inside it, and gives both to the user's session entered between", async () => {
    trackCurrentSession();
    const ledger = { record: jest.fn(() => ({ cost_micros: 0 })) };
    const accounting = new TokenAccounting(ledger as never);
    const session = new UserSession('ann');
    const measured = await accounting.forRun('run-1', () =>
      runAsSession(session, () =>
        accounting.measure(async () => {
          await tick();
          accounting.record('main', usage(3));
        }),
      ),
    );
    expect(measured.usage.total_tokens).toBe(3);
    expect(ledger.record).toHaveBeenCalledWith('main', 'main', usage(3), { userId: 'ann', runId: 'run-1' });
    expect(session.llm).toMatchObject({ total_tokens: 3, llm_calls: 1 });
    expect(accounting.caller()).toEqual({ session: undefined, scope: undefined }); // outside: nothing
  });
});
