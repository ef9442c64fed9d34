import { HttpStatus } from '@nestjs/common';
import { inspectJson } from '@userscope/runtime';
import { InvalidRequestBodyError } from '../exceptions/invalid-request-body.exception';
import { HttpMessages } from '../http.messages';

/**
 * The keys that would reach a prototype, as Fastify's own parser refuses them (`__proto__` anywhere,
 * `constructor` holding `prototype`); the standalone server lets them through the parser so that
 * this names them.
 */
function prototypeKey(key: string, value: unknown): string | undefined {
  if (key === '__proto__') return key;
  if (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype')) return 'constructor.prototype';
  return undefined;
}

/** Refuses a parsed JSON body nested deeper than `maxDepth`, or holding a prototype key, before any route reads it. */
export function checkJsonBody(body: unknown, maxDepth: number): void {
  const problem = inspectJson(body, { maxDepth, refuseKey: prototypeKey });
  if (problem?.kind === 'too_deep') {
    throw new InvalidRequestBodyError(HttpStatus.BAD_REQUEST, 'json_too_deep', HttpMessages.jsonTooDeep(maxDepth));
  }
  if (problem?.kind === 'forbidden_key') {
    throw new InvalidRequestBodyError(HttpStatus.BAD_REQUEST, 'forbidden_key', HttpMessages.forbiddenKey(problem.key, problem.path));
  }
}
