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
