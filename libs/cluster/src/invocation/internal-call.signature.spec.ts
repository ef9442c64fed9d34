import { InternalCallRefusedError } from '../exceptions/internal-call-refused.exception';
import { InternalCallUnsignedError } from '../exceptions/internal-call-unsigned.exception';
import { InternalCallSignature } from './internal-call.signature';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from './invocation.constants';

const SECRET = 'a-shared-secret-of-the-cluster-replicas';
const PATH = '/internal/users/ann/functions/tally/invoke';
const BODY = '{"input":{"by":"batch"}}';
const NOW = 1_750_000_000_000;

describe('InternalCallSignature: calls between replicas', () => {
  it('accepts a call signed with the shared secret, once', () => {
    const signer = new InternalCallSignature(SECRET);
    const receiver = new InternalCallSignature(SECRET);
    const headers = signer.sign('POST', PATH, BODY, NOW);
    expect(() => receiver.verify('POST', PATH, BODY, headers, NOW + 1000)).not.toThrow();
    expect(() => receiver.verify('POST', PATH, BODY, headers, NOW + 2000)).toThrow(/received already/);
  });

  it('answers a call without a signature 401', () => {
    expect(() => new InternalCallSignature(SECRET).verify('POST', PATH, BODY, {}, NOW)).toThrow(InternalCallUnsignedError);
  });

  it.each([
    ['another secret', (h: Record<string, string>) => ({ ...h, ...new InternalCallSignature('another-secret-another-secret-xx').sign('POST', PATH, BODY, NOW) })],
    ['an altered signature', (h: Record<string, string>) => ({ ...h, [SIGNATURE_HEADER]: h[SIGNATURE_HEADER].replace(/.$/, (c) => (c === '0' ? '1' : '0')) })],
    ['an altered timestamp', (h: Record<string, string>) => ({ ...h, [TIMESTAMP_HEADER]: String(NOW + 1) })],
  ])('refuses (403) %s', (_what, tamper) => {
    const headers = tamper(new InternalCallSignature(SECRET).sign('POST', PATH, BODY, NOW));
    expect(() => new InternalCallSignature(SECRET).verify('POST', PATH, BODY, headers, NOW)).toThrow(/signature does not match/);
  });

  it('refuses (403) another path, method or body under a valid signature', () => {
    const headers = new InternalCallSignature(SECRET).sign('POST', PATH, BODY, NOW);
    const receiver = new InternalCallSignature(SECRET);
    expect(() => receiver.verify('POST', PATH.replace('ann', 'bob'), BODY, headers, NOW)).toThrow(InternalCallRefusedError);
    expect(() => receiver.verify('PUT', PATH, BODY, headers, NOW)).toThrow(InternalCallRefusedError);
    expect(() => receiver.verify('POST', PATH, BODY.replace('batch', 'other'), headers, NOW)).toThrow(InternalCallRefusedError);
  });

  it('refuses (403) a call signed outside the validity window, either way', () => {
    const receiver = new InternalCallSignature(SECRET, 30_000);
    const signer = new InternalCallSignature(SECRET);
    expect(() => receiver.verify('POST', PATH, BODY, signer.sign('POST', PATH, BODY, NOW - 31_000), NOW)).toThrow(/31 s off this replica's clock \(at most 30 s/);
    expect(() => receiver.verify('POST', PATH, BODY, signer.sign('POST', PATH, BODY, NOW + 31_000), NOW)).toThrow(InternalCallRefusedError);
    expect(() => receiver.verify('POST', PATH, BODY, signer.sign('POST', PATH, BODY, NOW - 29_000), NOW)).not.toThrow();
  });
});
