import { HttpException, HttpStatus } from '@nestjs/common';
import { LlmError, LlmUsage } from '@userscope/llm';
import { ErrorBody, UserscopeHttpError } from '@userscope/runtime';

/** What a replica sends the owner of a user: the input of one call. */
export interface InvocationRequest {
  input: unknown;
}

/** What an LLM error thrown by the function was, so the caller's retry policy sees it as it was. */
export interface WireLlmError {
  llm: string;
  name: string;
  retryable: boolean;
  retry_after_ms?: number;
  status?: number;
  attempts: number;
}

/**
 * The owner's answer: 200 with the function's output, or the call's error (its status, code,
 * message and Retry-After as a local caller would meet them). Both carry the LLM usage of the call.
 */
export interface InvocationReply {
  output?: unknown;
  usage: LlmUsage;
}

export interface InvocationFailure extends ErrorBody {
  usage: LlmUsage;
  /** The name of an error the function threw itself (no HTTP status of its own). */
  name?: string;
  llm?: WireLlmError;
}

/** The code of an error the function threw itself: its message comes back as it was. */
const FUNCTION_FAILED = 'function_failed';

/** The owner's side: the status, body and headers that carry `error` back. */
export function encodeFailure(error: unknown, usage: LlmUsage): { status: number; body: InvocationFailure; headers: Record<string, string> } {
  if (error instanceof UserscopeHttpError) return { status: error.getStatus(), body: { ...error.body, usage }, headers: error.headers };
  if (error instanceof HttpException) return { status: error.getStatus(), body: { code: 'error', message: error.message, usage }, headers: {} };
  const thrown = error instanceof Error ? error : new Error(String(error));
  const body: InvocationFailure = { code: FUNCTION_FAILED, message: thrown.message, name: thrown.name, usage };
  if (error instanceof LlmError) {
    body.llm = { llm: error.llm, name: error.name, retryable: error.retryable, retry_after_ms: error.retryAfterMs, status: error.status, attempts: error.attempts };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, body, headers: {} };
}

/** The caller's side: the error the owner's answer describes, as the call would have thrown it here. */
export function decodeFailure(status: number, body: InvocationFailure, retryAfter: string | undefined): Error {
  if (body.llm) {
    const { llm, name, retryable, retry_after_ms, attempts } = body.llm;
    const error = new LlmError(llm, body.message, { retryable, retryAfterMs: retry_after_ms, status: body.llm.status });
    error.name = name;
    error.attempts = attempts;
    return error;
  }
  if (body.code === FUNCTION_FAILED) {
    const error = new Error(body.message);
    if (body.name) error.name = body.name;
    return error;
  }
  const { code, message, details } = body;
  return new UserscopeHttpError(status, { code, message, ...(details === undefined ? {} : { details }) }, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
}

/** Whether `value` is an owner's answer (a reply or a failure) rather than something else that answered. */
export function isInvocationAnswer(value: unknown): value is InvocationReply & Partial<InvocationFailure> {
  const usage = (value as { usage?: LlmUsage } | null)?.usage;
  return typeof value === 'object' && value !== null && typeof usage === 'object' && usage !== null && typeof usage.total_tokens === 'number';
}
