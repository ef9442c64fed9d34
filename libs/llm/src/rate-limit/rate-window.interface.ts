/** The limits of one LLM's window, as the store applies them; 0 means no limit of that kind. */
export interface RateWindowLimits {
  /** The window's length in ms: a minute, shorter only in tests. */
  windowMs: number;
  requestsPerWindow: number;
  tokensPerWindow: number;
}

/**
 * Where one LLM's recent calls are counted: in this process, or in Redis for every process sharing
 * it. Both answer atomically, so two callers never take the same last slot.
 */
export interface RateWindow {
  /** Starts a call if the window allows it now (0), else how many ms to wait before asking again. */
  tryStart(): Promise<number>;
  /** Counts a finished call's tokens in the window. */
  addTokens(tokens: number): Promise<void>;
  /** Where it counts, for messages: `memory`, or the Redis and the setting naming it. */
  readonly store: string;
}
