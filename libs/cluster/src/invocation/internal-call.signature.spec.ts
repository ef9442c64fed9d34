import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { deleteKeys, REDIS_URL, requireRedis } from '../../../../test/support/redis';
import { InternalCallRefusedError } from '../exceptions/internal-call-refused.exception';
import { InternalCallUnsignedError } from '../exceptions/internal-call-unsigned.exception';
import { InternalCallNonces } from './internal-call.nonces';
import { InternalCallSignature } from './internal-call.signature';
import { NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './invocation.constants';

const SECRET = 'a-shared-secret-of-the-cluster-replicas';
const PATH = '/internal/users/ann/functions/tally/invoke';
const BODY = '{"input":{"by":"batch"}}';
const NOW = 1_750_000_000_000;

describe('InternalCallSignature: calls between replicas', () => {
  if (!requireRedis('internal call signature', 'REDIS_URL')) return;
  const prefix = `userscope-test-nonces-${randomBytes(6).toString('hex')}:`;
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const nonces = new InternalCallNonces(redis, prefix);
  beforeAll(() => redis.connect());
  afterAll(async () => {
    await deleteKeys(redis, prefix);
    await redis.quit();
  });

  it('accepts a call signed with the shared secret, once in the cluster: its nonce is kept in Redis beyond the window', async () => {
    const signer = new InternalCallSignature(SECRET);
    const receiver = new InternalCallSignature(SECRET);
    const headers = signer.sign('POST', PATH, BODY, NOW);
    await expect(receiver.verify('POST', PATH, BODY, headers, nonces, NOW + 1000)).resolves.toBeUndefined();
    await expect(receiver.verify('POST', PATH, BODY, headers, nonces, NOW + 2000)).rejects.toThrow(/received already/);
    // Another replica (its own signature, the same Redis) refuses the replay too.
    await expect(new InternalCallSignature(SECRET).verify('POST', PATH, BODY, headers, nonces, NOW + 3000)).rejects.toThrow(/received already/);
    const kept = await redis.pttl(`${prefix}nonce:${headers[NONCE_HEADER]}`);
    expect(kept).toBeGreaterThan(30_000);
    expect(kept).toBeLessThanOrEqual(59_000);
  });

  it('answers a call without a signature 401', async () => {
    await expect(new InternalCallSignature(SECRET).verify('POST', PATH, BODY, {}, nonces, NOW)).rejects.toThrow(InternalCallUnsignedError);
  });

  it.each([
    ['another secret', (h: Record<string, string>) => ({ ...h, ...new InternalCallSignature('another-secret-another-secret-xx').sign('POST', PATH, BODY, NOW) })],
    ['an altered signature', (h: Record<string, string>) => ({ ...h, [SIGNATURE_HEADER]: h[SIGNATURE_HEADER].replace(/.$/, (c) => (c === '0' ? '1' : '0')) })],
    ['an altered timestamp', (h: Record<string, string>) => ({ ...h, [TIMESTAMP_HEADER]: String(NOW + 1) })],
  ])('refuses (403) %s', async (_what, tamper) => {
    const headers = tamper(new InternalCallSignature(SECRET).sign('POST', PATH, BODY, NOW));
    await expect(new InternalCallSignature(SECRET).verify('POST', PATH, BODY, headers, nonces, NOW)).rejects.toThrow(/signature does not match/);
  });

  it('refuses (403) another path, method or body under a valid signature', async () => {
    const headers = new InternalCallSignature(SECRET).sign('POST', PATH, BODY, NOW);
    const receiver = new InternalCallSignature(SECRET);
    await expect(receiver.verify('POST', PATH.replace('ann', 'bob'), BODY, headers, nonces, NOW)).rejects.toThrow(InternalCallRefusedError);
    await expect(receiver.verify('PUT', PATH, BODY, headers, nonces, NOW)).rejects.toThrow(InternalCallRefusedError);
    await expect(receiver.verify('POST', PATH, BODY.replace('batch', 'other'), headers, nonces, NOW)).rejects.toThrow(InternalCallRefusedError);
  });

  it('refuses (403) a call signed outside the validity window, either way', async () => {
    const receiver = new InternalCallSignature(SECRET, 30_000);
    const signer = new InternalCallSignature(SECRET);
    await expect(receiver.verify('POST', PATH, BODY, signer.sign('POST', PATH, BODY, NOW - 31_000), nonces, NOW)).rejects.toThrow(/31 s off this replica's clock \(at most 30 s/);
    await expect(receiver.verify('POST', PATH, BODY, signer.sign('POST', PATH, BODY, NOW + 31_000), nonces, NOW)).rejects.toThrow(InternalCallRefusedError);
    await expect(receiver.verify('POST', PATH, BODY, signer.sign('POST', PATH, BODY, NOW - 29_000), nonces, NOW)).resolves.toBeUndefined();
  });
});
