/** A function, function group, LLM or workflow entry: its registered `_type` and that type's settings. */
export interface TypedEntry {
  _type: string;
  [setting: string]: unknown;
}

/**
 * A config written in code: the same document as `config.yml`, checked by the same validation with
 * the same messages. Durations and sizes take numbers (seconds, bytes) or strings ("30m", "1mb").
 */
export interface UserscopeConfigDocument {
  general?: {
    plugins?: string[];
    per_user_workflow_timeout?: number | string;
    per_user_workflow_cleanup_interval?: number | string;
    enable_per_user_monitoring?: boolean;
    max_sessions?: number;
    max_concurrency_per_user?: number;
    max_queued_requests_per_user?: number;
    queue_timeout?: number | string;
    max_body_size?: number | string;
    request_timeout?: number | string;
    send_timeout?: number | string;
    shutdown_grace_period?: number | string;
    admin_token?: string;
    track_current_session?: boolean;
    identity?: { mode?: string; [setting: string]: unknown };
    [setting: string]: unknown;
  };
  functions?: Record<string, TypedEntry>;
  function_groups?: Record<string, TypedEntry>;
  llms?: Record<string, TypedEntry>;
  workflow: TypedEntry;
  batch?: Record<string, unknown>;
  batch_workflows?: Record<string, unknown>[] | Record<string, Record<string, unknown>>;
  [section: string]: unknown;
}

/** Types a config written in code; returns it as it is. */
export function defineConfig(config: UserscopeConfigDocument): UserscopeConfigDocument {
  return config;
}
