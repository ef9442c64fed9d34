import { HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidRequestBodyError } from '../exceptions/invalid-request-body.exception';
import { HttpMessages } from '../http.messages';

/** What the mapping reads of a request: Fastify's, or the /generate lane's (which refuses no body of its own). */
export type FastifyErrorContext = Pick<FastifyRequest, 'headers'> & { routeOptions: Pick<FastifyRequest['routeOptions'], 'bodyLimit'> };

/**
 * The error a client gets for one of Fastify's own refusals (body not JSON, too large, wrong content
 * type, bad content length); any other error as it is. Fastify's texts name neither the limit nor the fix.
 */
export function fromFastifyError(error: unknown, request: FastifyErrorContext): unknown {
  switch ((error as { code?: unknown })?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new InvalidRequestBodyError(HttpStatus.BAD_REQUEST, 'invalid_json', HttpMessages.invalidJson(HttpMessages.jsonUnparsable()));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InvalidRequestBodyError(HttpStatus.BAD_REQUEST, 'invalid_json', HttpMessages.invalidJson(HttpMessages.jsonEmpty()));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new InvalidRequestBodyError(HttpStatus.PAYLOAD_TOO_LARGE, 'payload_too_large', HttpMessages.bodyTooLarge(request.routeOptions.bodyLimit));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return new InvalidRequestBodyError(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        'unsupported_media_type',
        HttpMessages.unsupportedMediaType(String(request.headers['content-type'] ?? '')),
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new InvalidRequestBodyError(HttpStatus.BAD_REQUEST, 'bad_request', (error as Error).message);
    default:
      return error;
  }
}
