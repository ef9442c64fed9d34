/** What an `llm` node asks of the LLM providers. */
export interface BatchLlmRequest {
  llm: string;
  system?: string;
  prompt: string;
  /** JSON schema for structured output. */
  schema?: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface BatchLlmReply {
  content: unknown;
  model: string;
  /** The LLM's `_type` (`echo`: the deterministic stand-in, not an LLM), so results can say what made them. */
  llmType?: string;
  structured: boolean;
  tokens: number;
}

/** Provided under BATCH_LLM by the LLM library; without it, llm nodes fail with a clear message. */
export interface BatchLlm {
  complete(request: BatchLlmRequest): Promise<BatchLlmReply>;
  /** Runs `work` (a function node), and counts the tokens of the LLM calls made inside it alone. */
  measure<T>(work: () => Promise<T>): Promise<{ value: T; tokens: number }>;
  /** Runs `work` for batch run `runId`: the usage records of its LLM calls name the run. */
  forRun<T>(runId: string, work: () => T): T;
}
