import { HttpException, HttpStatus } from '@nestjs/common';
import { RuntimeMessages } from '../runtime.messages';

/** One field whose value was rejected. `field` is a dotted path; empty for the body itself. */
export interface FieldError {
  field: string;
  errors: string[];
}

/** The JSON body of every error reply: a stable code, a sentence, optional details. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** Base of the errors a caller can cause; each maps to one HTTP status, a JSON body and maybe headers. */
export class UserscopeHttpError extends HttpException {
  constructor(
    status: HttpStatus,
    body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body, status);
  }

  get body(): ErrorBody {
    return this.getResponse() as ErrorBody;
  }
}

export class InvalidInputError extends UserscopeHttpError {
  constructor(functionName: string, readonly fieldErrors: FieldError[]) {
    super(HttpStatus.BAD_REQUEST, {
      code: 'invalid_input',
      message: RuntimeMessages.invalidInput(functionName),
      details: fieldErrors,
    });
  }
}

export class InvalidSessionIdError extends UserscopeHttpError {
  constructor(pattern: string) {
    super(HttpStatus.BAD_REQUEST, { code: 'invalid_session_id', message: RuntimeMessages.invalidSessionId(pattern) });
  }
}

/**
 * An error of a function that has more for its caller than a message: its `clientDetails` (plain
 * JSON) go into the 422's `details`. Other errors' properties never leave the server.
 */
export interface ErrorWithClientDetails extends Error {
  clientDetails: Record<string, unknown>;
}

/** A workflow that threw: NAT's 422 `workflow_error`. */
export class WorkflowError extends UserscopeHttpError {
  constructor(workflowName: string, cause: unknown) {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    const more = (error as Partial<ErrorWithClientDetails>).clientDetails;
    super(HttpStatus.UNPROCESSABLE_ENTITY, {
      code: 'workflow_error',
      message: error.message || RuntimeMessages.workflowFailed(workflowName),
      details: { function: workflowName, error: error.name, ...(more && typeof more === 'object' ? more : {}) },
    });
  }
}

/** The server holds `max_sessions` users and none is idle: 503, try again later. */
export class SessionLimitError extends UserscopeHttpError {
  constructor(limit: number, retryAfterSeconds: number) {
    super(
      HttpStatus.SERVICE_UNAVAILABLE,
      { code: 'session_limit', message: RuntimeMessages.sessionLimit(limit) },
      { 'retry-after': String(retryAfterSeconds) },
    );
  }
}

/** One user has `max_concurrency_per_user` requests running and the queue is full or timed out: 429. */
export class UserConcurrencyError extends UserscopeHttpError {
  constructor(reason: string, retryAfterSeconds: number) {
    super(HttpStatus.TOO_MANY_REQUESTS, { code: 'too_many_requests', message: reason }, { 'retry-after': String(retryAfterSeconds) });
  }
}
