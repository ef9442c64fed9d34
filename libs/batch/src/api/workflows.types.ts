// The batch workflows' request and reply shapes. Plain types only, so the web page can share them.

export type BatchNodeType = 'llm' | 'function' | 'template';

/** One step of a batch workflow. Which fields apply depends on `type`. */
export interface BatchNode {
  id: string;
  type: BatchNodeType;
  name?: string;
  /** llm: the LLM's name in `llms:`. */
  llm?: string;
  /** llm: the prompt template. */
  prompt?: string;
  /** llm: the system prompt template. */
  system?: string;
  /** llm: a JSON schema the reply must match (structured output). */
  output_schema?: Record<string, unknown>;
  /** function: the configured function's name. */
  function?: string;
  /** function: its input; every string in it is a template. */
  input?: unknown;
  /** template: the text template. */
  template?: string;
}

/** A named workflow run once per selected user: the body of POST /api/workflows. */
export interface BatchWorkflow {
  id: string;
  name: string;
  description?: string;
  /** `error` (the default), `empty`, or `default:<text>`. */
  on_missing: string;
  nodes: BatchNode[];
  /** The node whose output is the final result; default: the last. */
  result_node?: string;
}

/** A workflow as GET replies: with where it is defined and the user fields its templates use. */
export interface WorkflowView extends BatchWorkflow {
  source: 'config' | 'api';
  fields: string[];
}

/** Which selected users lack which fields a workflow uses. */
export interface Preflight {
  fields: string[];
  missing: { userId: string; userName: string; fields: string[] }[];
  ok: boolean;
}

/** An LLM of the config's `llms:` section, as an `llm` node names it. */
export interface CatalogLlm {
  name: string;
  /** The provider's `_type`: `openai`, `echo` (the stand-in that answers with the prompt), … */
  type: string;
  /** The model it asks for, when the provider names one. */
  model?: string;
}

/** A configured function a `function` node can call, with the JSON schema of its input. */
export interface CatalogFunction {
  name: string;
  description?: string;
  /** The input's JSON schema, `$ref`s resolved (a recursive one is left as `{}`). */
  inputSchema: Record<string, unknown>;
}

/** What a workflow can be built from: GET /api/catalog. */
export interface WorkflowCatalog {
  llms: CatalogLlm[];
  functions: CatalogFunction[];
  /** The field paths the directory's users have (`name`, `preferences.platform`), sorted, at most `limit`. */
  userFields: string[];
}

/** The body of POST /api/workflows/test: a draft workflow and the user to run it for. */
export interface WorkflowTestRequest {
  workflow: BatchWorkflow;
  userId: string;
}

/** What a node of a test run was sent, its templates filled in. */
export type RenderedNodeInput =
  | { system?: string; prompt: string }
  | { function: string; input: unknown }
  | { template: string };

/** One node of a test run: what it was sent and what it answered. */
export interface TestedNode {
  nodeId: string;
  type: BatchNodeType;
  name?: string;
  status: 'succeeded' | 'failed';
  /** Absent when the node failed before its templates were filled in. */
  input?: RenderedNodeInput;
  content?: unknown;
  structured?: boolean;
  model?: string;
  tokens?: number;
  durationMs?: number;
  error?: string;
}

/** The reply of POST /api/workflows/test: the draft's run for one user, stored nowhere. */
export interface WorkflowTestReply {
  userId: string;
  userName: string;
  status: 'succeeded' | 'failed';
  error?: string;
  /** The nodes that ran, in order; a failed one last. */
  nodes: TestedNode[];
  /** The output of `result_node` (default: the last node), when the run succeeded. */
  final?: unknown;
  /** Every LLM call's tokens, accounted to the user as any run's are. */
  tokens: number;
  durationMs: number;
}
