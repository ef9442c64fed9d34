import { createServer, Server } from 'node:net';
import { UserscopeHttpError } from '@userscope/runtime';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { InternalCallSignature } from './internal-call.signature';
import { OwnerInvocationClient } from './owner-invocation.client';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

/** A client whose Redis says r2 holds every user, with `remainingMs` left on the lease. */
function client(remainingMs: number) {
  const ownership = { holderOf: async () => ({ token: 1, replica: 'r2', url: 'http://127.0.0.1:1', remainingMs }) };
  return new OwnerInvocationClient('r1', ownership as never, new InternalCallSignature(SECRET), undefined);
}

/** A port nothing listens on: taken, then freed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as UserscopeHttpError);
const seen = (error: UserscopeHttpError | undefined) => error && { status: error.getStatus(), code: error.body.code, details: error.body.details, retryAfter: error.headers['retry-after'] };

describe('OwnerInvocationClient: an owner that does not answer a call', () => {
  it('refused connection: 503 owner_unresponsive naming the owner, Retry-After the rest of its lease', async () => {
    const port = await closedPort();
    const calls = client(4_200);
    const refusal = new UserLeasedElsewhereError('ann', 'r2', `http://127.0.0.1:${port}`, 4_200);
    const error = await failureOf(calls.invoke(refusal, 'ann', 'notepad', {}, new AbortController().signal));
    calls.close();
    expect(seen(error)).toEqual({ status: 503, code: 'owner_unresponsive', details: { replica: 'r2' }, retryAfter: '5' });
    expect(error!.body.message).toContain('ECONNREFUSED');
  });

  it('a lease that ran out meanwhile: still one second of Retry-After, as a forwarded request gets', async () => {
    const port = await closedPort();
    const calls = client(0);
    const error = await failureOf(calls.invoke(new UserLeasedElsewhereError('ann', 'r2', `http://127.0.0.1:${port}`, 0), 'ann', 'notepad', {}, new AbortController().signal));
    calls.close();
    expect(seen(error)).toEqual({ status: 503, code: 'owner_unresponsive', details: { replica: 'r2' }, retryAfter: '1' });
  });
});
