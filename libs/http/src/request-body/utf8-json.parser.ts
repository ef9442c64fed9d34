import { isUtf8 } from 'node:buffer';
import { errorCodes, FastifyInstance, FastifyRequest } from 'fastify';
import { firstInvalidByte, invalidUtf8At } from './utf8-check.stream';

/** Set on a Fastify instance whose JSON parser checks UTF-8 itself, so the per-route stream check can skip JSON bodies. */
const JSON_PARSER_CHECKS_UTF8 = 'userscopeJsonParserChecksUtf8';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Replaces the app's `application/json` parser with one that reads the body as bytes, refuses bytes
 * that are not UTF-8 (naming the offset) and then parses it. For apps whose every route is
 * Userscope's (`userscope serve`): it is the whole app's parser, and it spares each JSON request the
 * checking stream that `applyUserscopeBodyLimit` otherwise puts in front of the parser.
 * Prototype keys are kept, for the body rules to refuse by name.
 */
export function useUtf8JsonParser(fastify: FastifyInstance): void {
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, parseJsonBytes);
  fastify.decorate(JSON_PARSER_CHECKS_UTF8, true);
}

/** Whether a body of this request reaches a parser that checks its UTF-8 itself. */
export function parserChecksUtf8(fastify: FastifyInstance, request: FastifyRequest): boolean {
  return fastify.hasDecorator(JSON_PARSER_CHECKS_UTF8) && isJson(request.headers['content-type']);
}

function parseJsonBytes(_request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void): void {
  let parsed: unknown;
  try {
    parsed = parseUtf8Json(body);
  } catch (error) {
    return done(error as Error);
  }
  done(null, parsed);
}

/**
 * `body` as JSON, checked to be UTF-8 first (a leading BOM skipped). Refusals are Fastify's own
 * errors for an empty or unparsable body, and Utf8Error naming the first byte that is not UTF-8.
 */
export function parseUtf8Json(body: Buffer): unknown {
  if (body.length === 0) throw new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY();
  if (!isUtf8(body)) throw invalidUtf8At(firstInvalidByte(body));
  const text = startsWithBom(body) ? body.toString('utf8', BOM.length) : body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
  }
}

/** Byte by byte: a subarray per request to compare would cost more than the check. */
function startsWithBom(body: Buffer): boolean {
  return body.length >= BOM.length && body[0] === BOM[0] && body[1] === BOM[1] && body[2] === BOM[2];
}

/** `application/json`, with or without parameters, as Fastify's own parser matches it. */
export function isJson(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  if (contentType === 'application/json') return true; // what nearly every client sends: no split, no copies
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  return type === 'application/json';
}
