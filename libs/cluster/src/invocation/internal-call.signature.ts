import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ClusterMessages } from '../cluster.messages';
import { InternalCallRefusedError } from '../exceptions/internal-call-refused.exception';
import { InternalCallUnsignedError } from '../exceptions/internal-call-unsigned.exception';
import { NONCE_HEADER, SIGNATURE_HEADER, SIGNATURE_WINDOW_MS, TIMESTAMP_HEADER } from './invocation.constants';

const VERSION = 'v1';

/**
 * Signs and checks the calls between the replicas of a cluster with their shared secret: an HMAC
 * over the method, the path, a timestamp, a nonce and the body, so that a client can neither forge
 * a call nor alter one. A call is accepted within `windowMs` of its timestamp, and once: a replica
 * remembers the nonces it accepted for as long as they would be.
 */
export class InternalCallSignature {
  /** Accepted nonces, with when each may be forgotten (its timestamp's window has passed). */
  private readonly accepted = new Map<string, number>();

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
   * `InternalCallRefusedError` (403) for one that does not match, is out of its window, or was seen.
   */
  verify(method: string, path: string, body: string, headers: IncomingHttpHeaders, now = Date.now()): void {
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
    this.forgetExpired(now);
    if (this.accepted.has(nonce)) throw new InternalCallRefusedError(ClusterMessages.signatureReplayed());
    this.accepted.set(nonce, signedAt + this.windowMs);
  }

  private mac(method: string, path: string, timestamp: string, nonce: string, body: string): string {
    const digest = createHash('sha256').update(body).digest('hex');
    return createHmac('sha256', this.secret).update([VERSION, method.toUpperCase(), path, timestamp, nonce, digest].join('\n')).digest('hex');
  }

  /** Nonces are added about in time order: the expired ones are at the front. */
  private forgetExpired(now: number): void {
    for (const [nonce, expiresAt] of this.accepted) {
      if (expiresAt > now) break;
      this.accepted.delete(nonce);
    }
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
