import { createServer as createHttpServer, Server } from 'node:http';
import { UserscopeHttpError } from '@userscope/runtime';
import { freePort } from '../../../../test/support/server-process';
import { UserLeasedElsewhereError } from '../exceptions/user-leased-elsewhere.exception';
import { InternalCallSignature } from './internal-call.signature';
import { OwnerInvocationClient } from './owner-invocation.client';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

/** A client whose Redis says r2 holds every user, with `remainingMs` left on the lease. */
function client(remainingMs: number, forwardTimeoutMs = 10_000) {
  const ownership = { holderOf: async () => ({ token: 1, replica: 'r2', url: 'http://127.0.0.1:1', remainingMs }) };
  return new OwnerInvocationClient('r1', ownership as never, new InternalCallSignature(SECRET), undefined, forwardTimeoutMs);
}

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as UserscopeHttpError);
const seen = (error: UserscopeHttpError | undefined) => error && { status: error.getStatus(), code: error.body.code, details: error.body.details, retryAfter: error.headers['retry-after'] };

describe('OwnerInvocationClient: an owner that does not answer a call', () => {
  it('refused connection: 503 owner_unresponsive naming the owner, Retry-After the rest of its lease', async () => {
    const port = await freePort();
    const calls = client(4_200);
    const refusal = new UserLeasedElsewhereError('ann', 'r2', `http://127.0.0.1:${port}`, 4_200);
    const error = await failureOf(calls.invoke(refusal, 'ann', 'notepad', {}, new AbortController().signal));
    calls.close();
    expect(seen(error)).toEqual({ status: 503, code: 'owner_unresponsive', details: { replica: 'r2' }, retryAfter: '5' });
    expect(error!.body.message).toContain('ECONNREFUSED');
  });

  it('a lease that ran out meanwhile: still one second of Retry-After, as a forwarded request gets', async () => {
    const port = await freePort();
    const calls = client(0);
    const error = await failureOf(calls.invoke(new UserLeasedElsewhereError('ann', 'r2', `http://127.0.0.1:${port}`, 0), 'ann', 'notepad', {}, new AbortController().signal));
    calls.close();
    expect(seen(error)).toEqual({ status: 503, code: 'owner_unresponsive', details: { replica: 'r2' }, retryAfter: '1' });
  });
});

describe('OwnerInvocationClient: an owner that takes the call and is slow to answer', () => {
  const FORWARD_TIMEOUT_MS = 300;
  let server: Server;
  let url: string;
  /** The owner's behaviour: `frozen`, nothing is answered (a paused process: its kernel still takes the connections); else /health at once and the call after `callMs`. */
  const owner = { frozen: true, callMs: 0 };

  beforeAll(async () => {
    server = createHttpServer((request, response) => {
      if (owner.frozen) return; // never answered
      if (request.url === '/health') return void response.end('{"status":"ok"}');
      request.resume();
      request.on('end', () => setTimeout(() => response.setHeader('content-type', 'application/json').end(JSON.stringify({ output: 'done', usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } })), owner.callMs));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('frozen: fails within forward_timeout and the /health probe, 503 owner_unresponsive', async () => {
    owner.frozen = true;
    const calls = client(2_500, FORWARD_TIMEOUT_MS);
    const started = Date.now();
    const error = await failureOf(calls.invoke(new UserLeasedElsewhereError('ann', 'r2', url, 2_500), 'ann', 'notepad', {}, new AbortController().signal));
    const tookMs = Date.now() - started;
    calls.close();
    expect(seen(error)).toEqual({ status: 503, code: 'owner_unresponsive', details: { replica: 'r2' }, retryAfter: '3' });
    expect(error!.body.message).toContain('nor its /health');
    expect(tookMs).toBeGreaterThanOrEqual(2 * FORWARD_TIMEOUT_MS); // forward_timeout, then the probe's own
    expect(tookMs).toBeLessThan(2 * FORWARD_TIMEOUT_MS + 1_000);
  });

  it("frozen: the execution's signal still ends the call first", async () => {
    owner.frozen = true;
    const calls = client(2_500, 60_000);
    const cancel = new AbortController();
    const reason = new Error('cancelled');
    setTimeout(() => cancel.abort(reason), 100);
    const error = await failureOf(calls.invoke(new UserLeasedElsewhereError('ann', 'r2', url, 2_500), 'ann', 'notepad', {}, cancel.signal));
    calls.close();
    expect(error).toBe(reason);
  });

  it('busy, answering its /health: waited for past forward_timeout, and its answer returned', async () => {
    owner.frozen = false;
    owner.callMs = 4 * FORWARD_TIMEOUT_MS;
    const calls = client(2_500, FORWARD_TIMEOUT_MS);
    const output = await calls.invoke(new UserLeasedElsewhereError('ann', 'r2', url, 2_500), 'ann', 'notepad', {}, new AbortController().signal);
    calls.close();
    expect(output).toBe('done');
  });
});
