import { ResolvedLlmConfig } from '../config/llm-config.resolver';
import { LlmChatRequest } from '../interfaces/llm.interface';
import { BudgetExceededError, UserRateLimitedError } from './budget-exceeded.exception';
import { LimitOverrides } from './limit.overrides';
import { MemoryBudgetCounter } from './memory.budget-counter';
import { UserLimitsConfig } from './user-limits.config';
import { UserBudget } from './user.budget';

const request: LlmChatRequest = { messages: [{ role: 'user', content: 'hi' }], maxTokens: 10 };
const llms = [{ name: 'main', price: { input_per_million: 1, output_per_million: 2, currency: 'USD' } }] as ResolvedLlmConfig[];

function budget(limits: Partial<UserLimitsConfig>): UserBudget {
  return new UserBudget(Object.assign(new UserLimitsConfig(), limits), new MemoryBudgetCounter(), new LimitOverrides(), llms);
}

/** Reserves calls for `user` until one is refused; the refusal. */
async function spendAll(limits: UserBudget, user: string): Promise<BudgetExceededError> {
  for (let calls = 0; calls < 1000; calls++) {
    try {
      await limits.reserve('main', request, user);
    } catch (error) {
      return error as BudgetExceededError;
    }
  }
  throw new Error('never refused');
}

describe('UserBudget over time (a fake clock)', () => {
  afterEach(() => jest.useRealTimers());

  it("refuses a spent day until midnight in general.limits.timezone, says so in Retry-After, and starts the next day afresh", async () => {
    jest.useFakeTimers({ now: new Date('2026-12-07T22:50:00Z') }); // 23:50 in Paris
    const limits = budget({ tokens_per_day: 100, timezone: 'Europe/Paris' });
    const refusal = await spendAll(limits, 'ann');
    expect(refusal).toBeInstanceOf(BudgetExceededError);
    expect(refusal.headers['retry-after']).toBe('600');
    expect(refusal.body).toMatchObject({ code: 'budget_exceeded', details: { limit: 'tokens_per_day', period: '2026-12-07', resets_at: '2026-12-07T23:00:00.000Z' } });
    jest.setSystemTime(new Date('2026-12-07T22:59:59Z'));
    await expect(limits.reserve('main', request, 'ann')).rejects.toBeInstanceOf(BudgetExceededError);
    jest.setSystemTime(new Date('2026-12-07T23:00:00Z')); // midnight in Paris: Tuesday
    await expect(limits.reserve('main', request, 'ann')).resolves.toMatchObject({ userId: 'ann' });
    expect((await limits.remaining('ann')).map((entry) => entry.period)).toEqual(['2026-12-08']);
  });

  it('keeps a month spent across its days, and frees it on the first of the next month', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-30T12:00:00Z') });
    const limits = budget({ tokens_per_month: 100 });
    await spendAll(limits, 'bea');
    jest.setSystemTime(new Date('2026-12-31T23:59:00Z')); // another day, the same month
    await expect(limits.reserve('main', request, 'bea')).rejects.toMatchObject({ body: { details: { limit: 'tokens_per_month', period: '2026-12' } } });
    jest.setSystemTime(new Date('2027-01-01T00:00:00Z'));
    await expect(limits.reserve('main', request, 'bea')).resolves.toBeDefined();
  });

  it('lets a user start requests_per_minute LLM calls in any minute, then more once the window has moved on', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-07T10:00:00Z') });
    const limits = budget({ requests_per_minute: 2 });
    await limits.reserve('main', request, 'cy');
    await limits.reserve('main', request, 'cy');
    const refused = await limits.reserve('main', request, 'cy').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UserRateLimitedError);
    expect(Number((refused as UserRateLimitedError).headers['retry-after'])).toBe(60);
    await expect(limits.reserve('main', request, 'dee')).resolves.toBeUndefined(); // another user: unaffected
    jest.advanceTimersByTime(59_000);
    await expect(limits.reserve('main', request, 'cy')).rejects.toBeInstanceOf(UserRateLimitedError);
    jest.advanceTimersByTime(1_001);
    await expect(limits.reserve('main', request, 'cy')).resolves.toBeUndefined();
  });
});

describe('UserBudget.limitsNothingNow (what lets an LLM call skip reserve)', () => {
  it('is true only when reserve would reserve nothing and no lookup is needed to know it', async () => {
    const free = budget({});
    expect(free.limitsNothingNow('ann')).toBe(true);
    expect(free.limitsNothingNow(undefined)).toBe(true);
    await expect(free.reserve('main', request, 'ann')).resolves.toBeUndefined();

    await free.overrides.put('ann', { tokens_per_day: 100 }); // a limit of her own
    expect(free.limitsNothingNow('ann')).toBe(false);
    expect(free.limitsNothingNow('bea')).toBe(true);
    await expect(free.reserve('main', request, 'ann')).resolves.toMatchObject({ userId: 'ann' });

    const limited = budget({ requests_per_minute: 10 });
    expect(limited.limitsNothingNow('ann')).toBe(false);
    await limited.overrides.put('ann', { requests_per_minute: undefined }); // her own setting replaces it, as in limitsOf
    expect(limited.limitsNothingNow('ann')).toBe(true);
    await expect(limited.reserve('main', request, 'ann')).resolves.toBeUndefined();

    // Groups need the user's fields, and a shared store's override not read lately needs Redis: only reserve looks them up.
    expect(budget({ groups: { field: 'plan', values: {} } }).limitsNothingNow('ann')).toBe(false);
    const shared = new UserBudget(new UserLimitsConfig(), new MemoryBudgetCounter(), new LimitOverrides({} as never), llms);
    expect(shared.limitsNothingNow('ann')).toBe(false);
  });
});
