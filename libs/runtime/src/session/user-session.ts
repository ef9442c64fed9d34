import { randomUUID } from 'node:crypto';
import { ContextId, ContextIdFactory } from '@nestjs/core';
import type { FunctionHandle } from '../functions/function-handle';
import type { UserLease } from './ownership/user-ownership.interface';
import type { StatefulFunction } from './ownership/session-state.interface';

/** A per-user instance whose state is saved, with the JSON text last saved of it. */
export interface SavedInstance {
  readonly key: string;
  readonly instance: StatefulFunction;
  saved: string | undefined;
}

/** The groups of every session whose config has no per-user discovered groups: an empty Map costs ~180 B a session. */
export const NO_GROUPS: ReadonlyMap<string, object> = new Map();

/**
 * One user's session: the durable ContextId that holds the user's per-user instances, the handles of
 * the user's functions, and the activity the monitor shows. Inside per-user providers it is also the
 * `REQUEST` of the durable context, so `@Inject(REQUEST) session: UserSession` gives `userId`.
 */
export class UserSession {
  readonly contextId: ContextId = ContextIdFactory.create();
  /** Names this session where the user id must not appear (a trace's `gen_ai.conversation.id`); a new session, a new id. */
  readonly id = randomUUID();
  readonly createdAt = Date.now();
  lastActivity = this.createdAt;
  activeRequests = 0;
  totalRequests = 0;
  /** Requests that ran and finished; the denominator of the average latency. */
  completedRequests = 0;
  errorCount = 0;
  totalLatencyMs = 0;
  /** Handles of the user's per-user functions, by configured name. */
  readonly functions = new Map<string, FunctionHandle>();
  /**
   * The user's instances of discovered function groups (an MCP client), by group name; their functions
   * are found at run time. One shared empty map until the build sets the user's own, for configs with such groups.
   */
  groups: ReadonlyMap<string, object> = NO_GROUPS;
  /** Per-user instances in creation order; disposed in reverse. */
  readonly instances: object[] = [];
  /** Settles when the user's per-user functions are built; shared by concurrent first requests. */
  ready: Promise<void> | undefined;
  /** The build has finished: requests need not wait for `ready`. */
  built = false;
  /** Set once the session has ended; a late caller must not use it. */
  ended = false;
  /** Set by `end()` while requests are in flight; called when the last one finishes. */
  drained: (() => void) | undefined;
  /** Requests waiting for one of the user's concurrency slots, oldest first. */
  readonly waiting: (() => void)[] = [];
  /** This process's claim on the user, taken before the build. */
  lease: UserLease | undefined;
  /** The claim was superseded: the instances are stale and the lease is not this process's to release. */
  leaseLost = false;
  /** The instances whose state is saved after each call; only with a persistent `general.session_state`. */
  saved: SavedInstance[] | undefined;
  /** The last checkpoint of the user's state; the next one starts after it, so the newest state is written last. */
  checkpointed: Promise<void> | undefined;
  /** LLM usage caused by this user. */
  readonly llm = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, llm_calls: 0, cost_micros: {} as Record<string, number> };

  constructor(readonly userId: string) {}
}
