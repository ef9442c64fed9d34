import type { ResponseInputItem, ResponseObject } from '../dto/response-object.dto';

/** A response `POST /v1/responses` kept (`store: true`): what GET answers, and what a chain continues from. */
export interface StoredResponse {
  /** The response as it was answered. */
  response: ResponseObject;
  /** The items its request added to the conversation (item references resolved; without `instructions`, as OpenAI carries none over). */
  input: ResponseInputItem[];
}

/** How long stored responses are kept, and how many a user may have (`general.front_end.responses_*`). */
export interface ResponseRetention {
  ttlMs: number;
  maxPerUser: number;
}

/**
 * Stored responses, each under the user who made it: no call reads, continues or deletes another
 * user's. Kept `ttlMs`, at most `maxPerUser` a user (the oldest go first).
 */
export interface ResponseStore {
  /** What the store is, for messages (`memory`, `Redis at host:port`). */
  readonly name: string;
  save(userId: string, stored: StoredResponse): Promise<void>;
  /** The user's stored response `id`; undefined when it is not theirs, expired, or was never stored. */
  get(userId: string, id: string): Promise<StoredResponse | undefined>;
  /** Whether the user had it. */
  delete(userId: string, id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** The DI token of the store. */
export const RESPONSE_STORE = Symbol.for('userscope:response-store');
