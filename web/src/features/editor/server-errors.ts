import { ApiError } from '@/lib/api';

/** A 400's `details` sorted by where they belong: the workflow's own fields, and each node's by index. */
export interface DraftErrors {
  /** `name`, `id`, `on_missing`, `result_node`, `nodes`: messages by field. */
  workflow: Record<string, string[]>;
  /** By node index: `llm`, `prompt`, `input.content`, … (`''` for the node itself). */
  nodes: Record<number, Record<string, string[]>>;
  /** Messages that name no field (or a field this page does not show). */
  general: string[];
}

export const NO_ERRORS: DraftErrors = { workflow: {}, nodes: {}, general: [] };

const NODE_FIELD = /^nodes\[(\d+)\](?:\.(.+))?$/;

/** The errors of a failed save or test: a 400's `[{field, errors}]` by place, anything else as a general message. */
export function draftErrorsOf(error: unknown): DraftErrors {
  const result: DraftErrors = { workflow: {}, nodes: {}, general: [] };
  const details = error instanceof ApiError && error.status === 400 ? error.details : undefined;
  if (!Array.isArray(details)) {
    result.general.push(error instanceof Error ? error.message : String(error));
    return result;
  }
  for (const entry of details as { field?: unknown; errors?: unknown }[]) {
    const field = typeof entry.field === 'string' ? entry.field : '';
    const errors = Array.isArray(entry.errors) ? entry.errors.map(String) : [];
    const node = NODE_FIELD.exec(field);
    if (node) {
      const fields = (result.nodes[Number(node[1])] ??= {});
      // `input[0]` and `input.a` both belong to the input form; the key keeps the path after `input`.
      (fields[node[2] ?? ''] ??= []).push(...errors);
    } else if (field) {
      (result.workflow[field] ??= []).push(...errors);
    } else {
      result.general.push(...errors);
    }
  }
  return result;
}

/** How many messages `errors` holds, for the summary above the form. */
export function errorCount(errors: DraftErrors): number {
  const count = (byField: Record<string, string[]>) => Object.values(byField).reduce((sum, list) => sum + list.length, 0);
  return count(errors.workflow) + Object.values(errors.nodes).reduce((sum, fields) => sum + count(fields), 0) + errors.general.length;
}
