import { Transform, TransformCallback } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { HttpStatus } from '@nestjs/common';
import { InvalidRequestBodyError } from '../exceptions/invalid-request-body.exception';
import { HttpMessages } from '../http.messages';

/**
 * Passes a body's bytes on unchanged, failing with `invalid_utf8` and the byte offset at the first
 * byte that is not UTF-8; Fastify's string decoding would replace it with U+FFFD instead. A character
 * split across chunks is checked once its last byte has arrived.
 */
export class Utf8CheckStream extends Transform {
  /** The start of a character the last chunk ended inside. */
  private pending: Buffer | undefined;
  /** Offset, in the body, of the first byte not yet checked. */
  private checked = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const bytes = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const complete = completeLength(bytes);
    const whole = bytes.subarray(0, complete);
    if (!isUtf8(whole)) return callback(invalidUtf8At(this.checked + firstInvalidByte(whole)));
    this.checked += complete;
    this.pending = complete < bytes.length ? bytes.subarray(complete) : undefined;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.pending ? invalidUtf8At(this.checked) : null);
  }
}

/** The refusal of a body whose byte at `offset` starts no UTF-8 character. */
export function invalidUtf8At(offset: number): InvalidRequestBodyError {
  return new InvalidRequestBodyError(HttpStatus.BAD_REQUEST, 'invalid_utf8', HttpMessages.invalidUtf8(offset));
}

/** Length of `bytes` without a character cut off at its end (at most 3 bytes go to the next chunk). */
function completeLength(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= Math.max(0, bytes.length - 3); i--) {
    const byte = bytes[i];
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + length > bytes.length ? i : bytes.length;
  }
  return bytes.length;
}

/** Offset of the first byte that starts no valid UTF-8 sequence (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte < 0x80) {
      i++;
      continue;
    }
    const [length, min, max] =
      byte >= 0xc2 && byte <= 0xdf ? [2, 0x80, 0xbf]
      : byte === 0xe0 ? [3, 0xa0, 0xbf]
      : byte === 0xed ? [3, 0x80, 0x9f]
      : byte >= 0xe1 && byte <= 0xef ? [3, 0x80, 0xbf]
      : byte === 0xf0 ? [4, 0x90, 0xbf]
      : byte === 0xf4 ? [4, 0x80, 0x8f]
      : byte >= 0xf1 && byte <= 0xf3 ? [4, 0x80, 0xbf]
      : [0, 0, 0];
    if (length === 0 || i + length > bytes.length || bytes[i + 1] < min || bytes[i + 1] > max) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += length;
  }
  return bytes.length;
}
