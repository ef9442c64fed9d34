/**
 * The contract of a function class. Implement `invoke` for a single output, `stream` for a
 * streaming output, or both.
 */
export interface UserscopeFunction<I = unknown, O = unknown> {
  invoke?(input: I): Promise<O> | O;
  stream?(input: I): AsyncIterable<O>;
}

/** Optional cleanup of a per-user instance, called once when the user's session ends. */
export interface OnSessionEnd {
  onSessionEnd(): Promise<void> | void;
}
