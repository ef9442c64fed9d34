import { ConfigIssue } from '@userscope/runtime';
import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { parseMissingPolicy, placeholdersOf, TemplateError, userFieldsOf } from '../templates/template.renderer';

/** Problems class-validator cannot see: per-type fields, names that must exist, node references. */
export function checkWorkflow(workflow: BatchWorkflowDefinition, context: { functions: string[]; isFunction: (name: string) => boolean; llms: string[] }): ConfigIssue[] {
  const problems: ConfigIssue[] = [];
  if (!parseMissingPolicy(workflow.on_missing)) problems.push({ path: 'on_missing', message: "must be 'error', 'empty' or 'default:<text>'" });
  const earlier = new Set<string>();
  workflow.nodes.forEach((node, i) => {
    const at = (key?: string) => `nodes[${i}]${key ? `.${key}` : ''}`;
    if (earlier.has(node.id)) problems.push({ path: at('id'), message: `node id '${node.id}' is used twice` });
    const require = (key: keyof typeof node) => {
      if (node[key] === undefined) problems.push({ path: at(key), message: `is required for a ${node.type} node` });
    };
    if (node.type === 'llm') {
      require('llm');
      require('prompt');
      if (node.llm !== undefined && !context.llms.includes(node.llm)) {
        problems.push({ path: at('llm'), message: `no LLM named '${node.llm}' in llms: (configured: ${context.llms.join(', ') || 'none'})` });
      }
    } else if (node.type === 'function') {
      require('function');
      if (node.function !== undefined && !context.isFunction(node.function)) {
        problems.push({ path: at('function'), message: `no function named '${node.function}' is configured (configured: ${context.functions.join(', ') || 'none'})` });
      }
    } else {
      require('template');
    }
    for (const [key, template] of templatesOf(node)) {
      try {
        for (const placeholder of placeholdersOf(template)) {
          if (placeholder.source === 'node' && !earlier.has(placeholder.path[0])) {
            problems.push({ path: at(key), message: `{{node:${placeholder.path.join('.')}}} does not name an earlier node` });
          }
        }
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        problems.push({ path: at(key), message: error.message });
      }
    }
    earlier.add(node.id);
  });
  if (workflow.result_node !== undefined && !earlier.has(workflow.result_node)) {
    problems.push({ path: 'result_node', message: `'${workflow.result_node}' is not a node of this workflow` });
  }
  return problems;
}

/** The user fields a workflow's templates use, in order of first use. */
export function workflowUserFields(workflow: BatchWorkflowDefinition): string[] {
  return [...new Set(workflow.nodes.flatMap((node) => templatesOf(node).flatMap(([, template]) => userFieldsOf(template))))];
}

/** Every template of a node, with the key it sits under. */
export function templatesOf(node: BatchWorkflowDefinition['nodes'][number]): [string, string][] {
  const found: [string, string][] = [];
  for (const key of ['prompt', 'system', 'template'] as const) {
    const value = node[key];
    if (typeof value === 'string') found.push([key, value]);
  }
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') found.push([path, value]);
    else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
  };
  if (node.input !== undefined) walk(node.input, 'input');
  return found;
}
