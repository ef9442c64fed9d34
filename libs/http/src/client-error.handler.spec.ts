import type { Socket } from 'node:net';
import { userscopeClientErrorHandler } from './client-error.handler';

/** A socket as the handler sees it: what it wrote, whether it was closed, and the reply in flight on it, if any. */
function socket(inFlight?: { headersSent: boolean }) {
  const written: string[] = [];
  const fake = { writable: true, destroyed: false, _httpMessage: inFlight, write: (text: string) => written.push(text), destroy: () => (fake.destroyed = true) };
  return { fake, written, as: fake as unknown as Socket };
}

const timeout = Object.assign(new Error('Request timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' });

describe('userscopeClientErrorHandler', () => {
  it('answers a request that took too long to arrive with 408 request_timeout and closes the connection', () => {
    const { fake, written, as } = socket();
    userscopeClientErrorHandler(timeout, as);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*Connection: close\r\n\r\n\{"code":"request_timeout"/);
    expect(fake.destroyed).toBe(true);
  });

  it('writes nothing into a reply already on its way (its headers sent), and only closes the connection', () => {
    const { fake, written, as } = socket({ headersSent: true });
    userscopeClientErrorHandler(timeout, as);
    expect(written).toEqual([]);
    expect(fake.destroyed).toBe(true);
  });

  it('still answers when the reply on the connection has sent nothing yet', () => {
    const { written, as } = socket({ headersSent: false });
    userscopeClientErrorHandler(timeout, as);
    expect(written[0]).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers bytes that are not HTTP with 400 bad_request', () => {
    const { written, as } = socket();
    userscopeClientErrorHandler(Object.assign(new Error('Parse Error'), { code: 'HPE_INVALID_METHOD' }), as);
    expect(written[0]).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*"code":"bad_request"/);
  });
});
