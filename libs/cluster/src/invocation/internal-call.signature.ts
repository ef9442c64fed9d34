import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ClusterMessages } from '../cluster.messages';
import { InternalCallRefusedError } from '../exceptions/internal-call-refused.exception';
import { InternalCallUnsignedError } from '../exceptions/internal-call-unsigned.exception';
import { InternalCallNonces } from './internal-call.nonces';
import { NONCE_HEADER, SIGNATURE_HEADER, SIGNATURE_WINDOW_MS, TIMESTAMP_HEADER } from './invocation.constants';

const VERSION = 'v1';

/**
 * Signs and checks the calls between the replicas of a cluster with their shared secret: an HMAC
 * over the method, the path, a timestamp, a nonce and the body, so that a client can neither forge
 * a call nor alter one. A call is accepted within `windowMs` of its timestamp, and once in the
 * cluster: its nonce is remembered in Redis (`InternalCallNonces`) for as long as any replica whose
 * clock is within the window would accept it.
 */
export class InternalCallSignature {
  constructor(
    private readonly secret: string,
    private readonly windowMs = SIGNATURE_WINDOW_MS,
  ) {}

  /** The headers that sign the call `method path` with `body`. */
  sign(method: string, path: string, body: string, now = Date.now()): Record<string, string> {
    const timestamp = String(now);
    const nonce = randomBytes(16).toString('hex');
    return { [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce, [SIGNATURE_HEADER]: `${VERSION}=${this.mac(method, path, timestamp, nonce, body)}` };
  }

  /**
   * Accepts a call, or throws: `InternalCallUnsignedError` (401) without a signature,
   * `InternalCallRefusedError` (403) for one that does not match, is out of its window, or was seen
   * (by any replica: `nonces`). Redis not answering: `ClusterRedisUnavailableError` (503).
   */
  async verify(method: string, path: string, body: string, headers: IncomingHttpHeaders, nonces: InternalCallNonces, now = Date.now()): Promise<void> {
    const signature = single(headers[SIGNATURE_HEADER]);
    const timestamp = single(headers[TIMESTAMP_HEADER]);
    const nonce = single(headers[NONCE_HEADER]);
    if (!signature || !timestamp || !nonce) throw new InternalCallUnsignedError();
    // The signature first: a caller without the secret learns nothing about the rest.
    if (!sameText(signature, `${VERSION}=${this.mac(method, path, timestamp, nonce, body)}`)) throw new InternalCallRefusedError(ClusterMessages.signatureMismatch());
    const signedAt = Number(timestamp);
    if (!Number.isFinite(signedAt) || Math.abs(now - signedAt) > this.windowMs) {
      throw new InternalCallRefusedError(ClusterMessages.signatureExpired(Number.isFinite(signedAt) ? now - signedAt : Infinity, this.windowMs));
    }
    // Another replica's clock may be up to the window behind this one's: it would still take the call until then.
    if (!(await nonces.firstUse(nonce, signedAt + 2 * this.windowMs - now))) throw new InternalCallRefusedError(ClusterMessages.signatureReplayed());
  }

  private mac(method: string, path: string, timestamp: string, nonce: string, body: string): string {
    const digest = createHash('sha256').update(body).digest('hex');
    return createHmac('sha256', this.secret).update([VERSION, method.toUpperCase(), path, timestamp, nonce, digest].join('\n')).digest('hex');
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
