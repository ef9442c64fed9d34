import { LlmError, LlmRateLimitError } from '@userscope/llm';
import { InvalidInputError, UserscopeHttpError } from '@userscope/runtime';
import { ReplicaDrainingError } from '../exceptions/replica-draining.exception';
import { decodeFailure, encodeFailure } from './invocation.wire';

const usage = { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 };
/** Through the wire: encoded by the owner, sent as JSON, decoded by the caller. */
const roundTrip = (error: unknown) => {
  const { status, body, headers } = encodeFailure(error, usage);
  expect(body.usage).toEqual(usage);
  return decodeFailure(status, JSON.parse(JSON.stringify(body)), headers['retry-after']);
};

describe("a user's function's error, carried from the owner to the caller", () => {
  it("comes back as the function's own error: its message and name", () => {
    const thrown = Object.assign(new Error("tally refused for 'ann'"), { name: 'TallyError' });
    const error = roundTrip(thrown);
    expect(error).not.toBeInstanceOf(UserscopeHttpError);
    expect([error.message, error.name]).toEqual(["tally refused for 'ann'", 'TallyError']);
  });

  it('keeps an HTTP error its status, code, details and Retry-After', () => {
    const invalid = roundTrip(new InvalidInputError('tally', [{ field: 'n', errors: ['must be a number'] }])) as UserscopeHttpError;
    expect([invalid.getStatus(), invalid.body]).toEqual([400, { code: 'invalid_input', message: expect.any(String), details: [{ field: 'n', errors: ['must be a number'] }] }]);
    const draining = roundTrip(new ReplicaDrainingError('r2', 'ann')) as UserscopeHttpError;
    expect([draining.getStatus(), draining.body.code, draining.headers]).toEqual([503, 'replica_draining', { 'retry-after': '1' }]);
  });

  it("keeps an LLM error what the batch's retry policy reads: retryable, Retry-After, attempts", () => {
    const limited = new LlmRateLimitError('main', 'slow down', { retryable: true, retryAfterMs: 2000, status: 429 });
    limited.attempts = 3;
    const error = roundTrip(limited) as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect([error.name, error.message, error.llm, error.retryable, error.retryAfterMs, error.status, error.attempts]).toEqual(['LlmRateLimitError', 'slow down', 'main', true, 2000, 429, 3]);
  });
});
