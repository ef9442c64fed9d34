import { LlmMessages } from '../llm.messages';

export interface LlmErrorOptions {
  /** Whether another attempt may succeed (429, 5xx, timeouts, connection errors). */
  retryable?: boolean;
  /** How long the server asked to wait (`Retry-After`), in ms. */
  retryAfterMs?: number;
  /** The HTTP status of the server's reply, if there was one. */
  status?: number;
  cause?: unknown;
}

/** A call to an LLM failed. Names the LLM; carries the server's message, never the API key. */
export class LlmError extends Error {
  override name = 'LlmError';
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly status?: number;
  /** How many attempts were made before giving up. */
  attempts = 1;

  constructor(
    readonly llm: string,
    message: string,
    options: LlmErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

/** 401/403: the API key was refused. Not retried. */
export class LlmAuthenticationError extends LlmError {
  override name = 'LlmAuthenticationError';
}

/** 404: the server does not know the model (or base_url points elsewhere). Not retried. */
export class LlmModelNotFoundError extends LlmError {
  override name = 'LlmModelNotFoundError';
}

/** 429: retried after the server's `Retry-After`, or with backoff. */
export class LlmRateLimitError extends LlmError {
  override name = 'LlmRateLimitError';
}

/** 5xx, 408, 409: retried with backoff. */
export class LlmServerError extends LlmError {
  override name = 'LlmServerError';
}

/** Any other 4xx: the request itself is wrong. Not retried. */
export class LlmRequestError extends LlmError {
  override name = 'LlmRequestError';
}

/** No answer within `timeout`. Retried. */
export class LlmTimeoutError extends LlmError {
  override name = 'LlmTimeoutError';
}

/** The server could not be reached, or the connection broke. Retried. */
export class LlmConnectionError extends LlmError {
  override name = 'LlmConnectionError';
}

/** A function asked for an LLM that the config does not have. */
export class LlmNotConfiguredError extends Error {
  override name = 'LlmNotConfiguredError';

  constructor(name: string, known: string[]) {
    super(LlmMessages.notConfigured(name, known));
  }
}

/** The model did not reply with JSON matching the schema, also after one retry. Carries its raw reply. */
export class StructuredOutputError extends Error {
  override name = 'StructuredOutputError';

  constructor(
    readonly llm: string,
    /** The model's last reply, as it sent it. */
    readonly raw: string,
    /** What was wrong with it: not JSON, or the schema's violations. */
    readonly problems: string[],
  ) {
    super(`${LlmMessages.structuredFailed(llm, problems.join('; '))}. Raw reply: ${raw}`);
  }

  /** What a caller is shown besides the message: the reply and its problems. */
  get clientDetails(): { raw: string; problems: string[] } {
    return { raw: this.raw, problems: this.problems };
  }
}
