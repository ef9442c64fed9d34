import { ConfigIssue, isMapping, validateConfigSection } from '@userscope/runtime';
import { BatchWorkflowDefinition } from './batch-workflow.definition';
import { checkWorkflow } from '../workflows/workflow.checker';

/** Validates a workflow (from YAML or the API) against its class and the configured functions and LLMs. */
export function parseWorkflow(
  entry: unknown,
  context: { functions: string[]; isFunction: (name: string) => boolean; llms: string[] },
): { workflow?: BatchWorkflowDefinition; problems: ConfigIssue[] } {
  if (!isMapping(entry)) return { problems: [{ path: '', message: 'must be a mapping' }] };
  const problems: ConfigIssue[] = [];
  const workflow = validateConfigSection(BatchWorkflowDefinition, entry, '', problems);
  if (problems.length > 0) return { problems };
  const semantic = checkWorkflow(workflow, context);
  return semantic.length > 0 ? { problems: semantic } : { workflow, problems: [] };
}
