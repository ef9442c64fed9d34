import type { NodeType, Workflow, WorkflowBody, WorkflowNode } from '@/lib/api';

/** A workflow being edited: exactly the body POST/PUT /api/workflows take. */
export type Draft = WorkflowBody;

const WORKFLOW_ID = /^[A-Za-z0-9\-_.]{1,64}$/;

/** The body of a workflow as GET answers it: without what GET adds (`source`, `fields`). */
export function draftOf(workflow: Workflow): Draft {
  const { source: _source, fields: _fields, ...body } = workflow;
  return structuredClone(body);
}

/** A new workflow with one llm node, its id free among `taken`. */
export function newDraft(taken: ReadonlySet<string>, llm?: string): Draft {
  return {
    id: freeId('new-workflow', taken),
    name: 'New workflow',
    on_missing: 'error',
    nodes: [blankNode('llm', [], llm)],
  };
}

/** A copy of `workflow` to edit, under a free id and a name saying what it is. */
export function duplicateOf(workflow: Workflow | Draft, taken: ReadonlySet<string>): Draft {
  const body = 'source' in workflow ? draftOf(workflow) : structuredClone(workflow);
  return { ...body, id: freeId(`${workflow.id}-copy`, taken), name: `${workflow.name} (copy)` };
}

/** `base`, or `base-2`, `base-3`, … whichever is not taken (cut to the id's 64 characters). */
export function freeId(base: string, taken: ReadonlySet<string>): string {
  const stem = base.replace(/[^A-Za-z0-9\-_.]/g, '-').slice(0, 60) || 'workflow';
  if (!taken.has(stem)) return stem;
  for (let n = 2; ; n++) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}

export function isWorkflowId(id: string): boolean {
  return WORKFLOW_ID.test(id);
}

/** A node of `type` with the fields it needs, its id the next free number among `nodes`. */
export function blankNode(type: NodeType, nodes: readonly WorkflowNode[], llm?: string, fn?: string): WorkflowNode {
  const taken = new Set(nodes.map((node) => node.id));
  let n = nodes.length + 1;
  while (taken.has(String(n))) n++;
  const id = String(n);
  switch (type) {
    case 'llm':
      return { id, type, llm: llm ?? '', prompt: '' };
    case 'function':
      return { id, type, function: fn ?? '', input: {} };
    case 'template':
      return { id, type, template: '' };
  }
}

/** `nodes` with the node at `from` moved to `to` (both clamped); the same array when nothing moves. */
export function moveNode<T>(nodes: readonly T[], from: number, to: number): T[] {
  const target = Math.max(0, Math.min(nodes.length - 1, to));
  if (from === target || from < 0 || from >= nodes.length) return nodes as T[];
  const moved = [...nodes];
  const [node] = moved.splice(from, 1);
  moved.splice(target, 0, node);
  return moved;
}

/** The draft as sent: keys of the other node types dropped, empty optional texts left out. */
export function bodyOf(draft: Draft): WorkflowBody {
  const nodes = draft.nodes.map((node) => {
    const keep: (keyof WorkflowNode)[] =
      node.type === 'llm' ? ['llm', 'system', 'prompt', 'output_schema'] : node.type === 'function' ? ['function', 'input'] : ['template'];
    const body: WorkflowNode = { id: node.id, type: node.type, ...(node.name ? { name: node.name } : {}) };
    for (const key of keep) {
      const value = node[key];
      if (value === undefined || (key === 'system' && value === '')) continue;
      (body as unknown as Record<string, unknown>)[key] = value;
    }
    return body;
  });
  return {
    id: draft.id,
    name: draft.name,
    ...(draft.description ? { description: draft.description } : {}),
    on_missing: draft.on_missing || 'error',
    nodes,
    ...(draft.result_node ? { result_node: draft.result_node } : {}),
  };
}
