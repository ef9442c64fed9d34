/**
 * The contract of a function class. Implement `invoke` for a single output, `stream` for a
 * streaming output, or both. `signal` aborts when the call is given up on (`general.function_timeout`,
 * `batch.execution_timeout`, a cancelled run, shutdown): stop then, and pass it on to what you call
 * (`llm.chat({ ..., signal })`, `fetch(url, { signal })`, `functions.get(name).invoke(input, signal)`).
 * Functions that take only `input` keep working.
 */
export interface UserscopeFunction<I = unknown, O = unknown> {
  invoke?(input: I, signal: AbortSignal): Promise<O> | O;
  stream?(input: I, signal: AbortSignal): AsyncIterable<O>;
}

/** Optional cleanup of a per-user instance, called once when the user's session ends. */
export interface OnSessionEnd {
  onSessionEnd(): Promise<void> | void;
}
