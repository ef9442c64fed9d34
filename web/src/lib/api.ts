import { getAdminToken } from './admin-token';
import type {
  Analytics,
  ErrorBody,
  ExecutionPageQuery,
  ImportReport,
  MonitorSnapshot,
  Preflight,
  Run,
  RunEvent,
  RunResults,
  RunPage,
  RunSettings,
  StartedRun,
  StartRunRequest,
  User,
  UserBody,
  UserPage,
  UserQuery,
  Workflow,
  WorkflowBody,
  WorkflowCatalog,
  WorkflowTestReply,
  WorkflowTestRequest,
} from './api-types';
import { readEventStream } from './event-stream';

export type * from './api-types';

/** A reply that was not 2xx, with the server's `{code, message, details}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The server's `details: [{field, errors}]` (a body that broke its rules) as field → first error, e.g. `id` → `must match …`. */
  get fieldErrors(): ReadonlyMap<string, string> {
    const entries = Array.isArray(this.details)
      ? (this.details as { field?: unknown; errors?: unknown }[])
          .filter((entry) => typeof entry?.field === 'string' && Array.isArray(entry.errors) && entry.errors.length > 0)
          .map((entry) => [entry.field as string, String((entry.errors as unknown[])[0])] as const)
      : [];
    return new Map(entries);
  }

  /** 401/403: the server wants the admin token (or a different one). */
  get needsAdminToken(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** A file the server sent (`content-disposition: attachment`). */
export interface DownloadedFile {
  filename: string;
  /** The bytes as sent (the CSV's UTF-8 BOM included, which spreadsheets need). */
  blob: Blob;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = getAdminToken();
  if (token) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'The server did not answer. Is it running?');
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as ErrorBody;
    if (body && typeof body.message === 'string') return new ApiError(response.status, body.code, body.message, body.details);
  } catch {
    /* not JSON: fall through */
  }
  return new ApiError(response.status, 'http_error', `The server answered ${response.status} ${response.statusText}`.trim());
}

async function json<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await request(path, init);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  return json<T>(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function download(path: string): Promise<DownloadedFile> {
  const response = await request(path);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? path.split('/').pop()!.split('?')[0];
  return { filename, blob: await response.blob() };
}

const enc = encodeURIComponent;

/** The typed client of the batch API (docs/batch-api.md) and of the admin monitor. */
export const api = {
  listUsers: (q: UserQuery = {}, signal?: AbortSignal) => json<UserPage>(`/api/users${query({ ...q })}`, { signal }),
  getUser: (id: string) => json<User>(`/api/users/${enc(id)}`),
  createUser: (user: UserBody) => send<User>('POST', '/api/users', user),
  replaceUser: (id: string, user: User) => send<User>('PUT', `/api/users/${enc(id)}`, user),
  deleteUser: (id: string) => send<void>('DELETE', `/api/users/${enc(id)}`),
  importUsers: (content: string, format: 'csv' | 'json', mode: 'upsert' | 'skip' = 'upsert') =>
    json<ImportReport>(`/api/users/import${query({ mode })}`, {
      method: 'POST',
      headers: { 'content-type': format === 'csv' ? 'text/csv' : 'application/json' },
      body: content,
    }),
  exportUsers: (format: 'json' | 'csv') => download(`/api/users/export${query({ format })}`),

  listWorkflows: (signal?: AbortSignal) => json<Workflow[]>('/api/workflows', { signal }),
  getWorkflow: (id: string) => json<Workflow>(`/api/workflows/${enc(id)}`),
  createWorkflow: (workflow: WorkflowBody) => send<Workflow>('POST', '/api/workflows', workflow),
  replaceWorkflow: (id: string, workflow: WorkflowBody) => send<Workflow>('PUT', `/api/workflows/${enc(id)}`, workflow),
  deleteWorkflow: (id: string) => send<void>('DELETE', `/api/workflows/${enc(id)}`),
  /** Runs a draft for one user without saving it (POST /api/workflows/test). */
  testWorkflow: (body: WorkflowTestRequest, signal?: AbortSignal) =>
    json<WorkflowTestReply>('/api/workflows/test', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal }),
  /** The LLMs, functions and user fields a workflow can be built from. */
  catalog: (signal?: AbortSignal) => json<WorkflowCatalog>('/api/catalog', { signal }),
  preflight: (id: string, selection: { userIds: string[] } | { all: true }, signal?: AbortSignal) =>
    json<Preflight>(`/api/workflows/${enc(id)}/preflight`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(selection),
      signal,
    }),

  /** The concurrency a run gets by default, and the most it may ask for. */
  runSettings: (signal?: AbortSignal) => json<RunSettings>('/api/runs/settings', { signal }),
  startRun: (body: StartRunRequest) => send<StartedRun>('POST', '/api/runs', body),
  listRuns: (offset = 0, limit = 20, signal?: AbortSignal) =>
    json<RunPage>(`/api/runs${query({ offset, limit })}`, { signal }),
  /** The run with one page of its executions (`{ limit: 0 }`: none, the summary alone). */
  getRun: (id: string, page: ExecutionPageQuery = {}, signal?: AbortSignal) =>
    json<Run>(`/api/runs/${enc(id)}${query({ offset: page.offset, limit: page.limit })}`, { signal }),
  cancelRun: (id: string) => send<Run>('POST', `/api/runs/${enc(id)}/cancel`),
  retryFailed: (id: string) => send<Run>('POST', `/api/runs/${enc(id)}/retry-failed`),
  runResults: (id: string, signal?: AbortSignal) => json<RunResults>(`/api/runs/${enc(id)}/results`, { signal }),
  runAnalytics: (id: string, signal?: AbortSignal) => json<Analytics>(`/api/runs/${enc(id)}/analytics`, { signal }),
  /** The "Copy All Results" JSON array `[{user, result}]`, exactly as the server exports it. */
  exportRunJson: async (id: string) => (await request(`/api/runs/${enc(id)}/export`)).text(),
  exportRunCsv: (id: string) => download(`/api/runs/${enc(id)}/export${query({ format: 'csv' })}`),

  /**
   * Follows a run's events until `end`, the signal aborts, or the stream breaks (then it rejects, and
   * the caller reconnects: the next `snapshot` brings it up to date).
   */
  async followRun(id: string, onEvent: (event: RunEvent) => void, signal: AbortSignal): Promise<void> {
    const response = await request(`/api/runs/${enc(id)}/events`, { headers: { accept: 'text/event-stream' }, signal });
    for await (const { event, data } of readEventStream(response.body!)) {
      onEvent({ type: event, data: JSON.parse(data) } as RunEvent);
      if (event === 'end') return;
    }
    throw new ApiError(0, 'stream_closed', 'The run’s event stream closed before the run ended.');
  },

  monitorUsers: (signal?: AbortSignal) => json<MonitorSnapshot>('/monitor/users', { signal }),
  endSession: (userId: string) => send<void>('DELETE', `/monitor/users/${enc(userId)}`),
};

export type Api = typeof api;
