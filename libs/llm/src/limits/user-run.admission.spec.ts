import type Redis from 'ioredis';
import { BudgetUnavailableError } from './budget-exceeded.exception';
import { ConcurrentRunsExceededError } from './concurrent-runs.exception';
import { LimitOverrides } from './limit.overrides';
import { MemoryBudgetCounter } from './memory.budget-counter';
import { MemoryRunSlots } from './memory.run-slots';
import { UserLimitsConfig } from './user-limits.config';
import { UserBudget } from './user.budget';
import { UserRunAdmission } from './user-run.admission';

/** A Redis that does not answer. */
const downRedis = { hget: () => Promise.reject(new Error('connect ECONNREFUSED')), disconnect: () => undefined } as unknown as Redis;

function admission(limits: Partial<UserLimitsConfig>, overrides = new LimitOverrides(), slots = new MemoryRunSlots()): UserRunAdmission {
  return new UserRunAdmission(new UserBudget(Object.assign(new UserLimitsConfig(), limits), new MemoryBudgetCounter(), overrides, []), slots);
}

describe('UserRunAdmission', () => {
  it('admits concurrent_runs runs of a user at once, refuses the next with 429 rate_limited, and frees a slot once however often it is given back', async () => {
    const runs = admission({ concurrent_runs: 2 });
    const first = await runs.admit('ann');
    await runs.admit('ann');
    const refused = await Promise.resolve(runs.admit('ann')).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConcurrentRunsExceededError);
    expect(refused).toMatchObject({ status: 429, body: { code: 'rate_limited', details: { limit: 'concurrent_runs' } } });
    await expect(runs.admit('bob')).resolves.toBeInstanceOf(Function); // another user
    first();
    first();
    await Promise.resolve();
    expect(await runs.running('ann')).toBe(1);
    await runs.admit('ann');
    await expect(runs.admit('ann')).rejects.toBeInstanceOf(ConcurrentRunsExceededError);
  });

  it("refuses with 503 budget_unavailable when general.limits sets concurrent_runs and the users' limits cannot be read", async () => {
    const runs = admission({ concurrent_runs: 2 }, new LimitOverrides(downRedis));
    await expect(runs.admit('ann')).rejects.toMatchObject({ status: 503, body: { code: 'budget_unavailable' } });
    await expect(runs.admit('ann')).rejects.toBeInstanceOf(BudgetUnavailableError);
  });

  it("admits runs uncounted when only users' own limits could cap them and those cannot be read", async () => {
    const runs = admission({}, new LimitOverrides(downRedis));
    await expect(runs.admit('ann')).resolves.toBeInstanceOf(Function);
  });

  it('refuses with 503 when the slots cannot be counted', async () => {
    const slots = new MemoryRunSlots();
    slots.take = () => Promise.reject(new Error('timeout'));
    await expect(admission({ concurrent_runs: 1 }, new LimitOverrides(), slots).admit('ann')).rejects.toMatchObject({ status: 503 });
  });

  it("answers at once, counting nothing, when neither the config nor the user's own limits (known now) set concurrent_runs", async () => {
    const overrides = new LimitOverrides();
    const slots = new MemoryRunSlots();
    const runs = admission({ tokens_per_day: 1000 }, overrides, slots);
    expect(runs.admit('ann')).toBeInstanceOf(Function); // no promise: every request asks
    expect(await runs.running('ann')).toBe(0);
    await overrides.put('ann', { concurrent_runs: 1 });
    const held = runs.admit('ann');
    expect(held).toBeInstanceOf(Promise);
    await held;
    await expect(runs.admit('ann')).rejects.toBeInstanceOf(ConcurrentRunsExceededError);
    expect(runs.admit('bob')).toBeInstanceOf(Function);
  });

  it('asks Redis for a user whose own limits it has not read lately', async () => {
    const calls: string[] = [];
    const redis = { hget: (_key: string, userId: string) => (calls.push(userId), Promise.resolve(null)), disconnect: () => undefined } as unknown as Redis;
    const runs = admission({}, new LimitOverrides(redis));
    await expect(runs.admit('ann')).resolves.toBeInstanceOf(Function);
    expect(runs.admit('ann')).toBeInstanceOf(Function); // read within the cache time: known now
    expect(calls).toEqual(['ann']);
  });
});
