import { classConfigSection, ConfigIssue, ConfigSection, isMapping } from '@userscope/runtime';
import { LLM_CONFIG_SECTION } from '@userscope/llm';
import { BatchSettings } from './batch-settings.config';
import { BatchWorkflowDefinition } from './batch-workflow.definition';
import { parseWorkflow } from './batch-workflow.parser';

/** `batch:`: where batch data lives and how runs are bounded. */
export const BATCH_SETTINGS_SECTION = classConfigSection('batch', BatchSettings);

/**
 * `batch_workflows:` (a list, or a mapping by id), each checked against the configured functions
 * and LLMs (after `LLM_CONFIG_SECTION`); every problem with its key path.
 */
export const BATCH_WORKFLOWS_SECTION: ConfigSection<BatchWorkflowDefinition[]> = {
  key: 'batch_workflows',
  check(section = [], context) {
    const entries: [string, unknown][] = Array.isArray(section)
      ? section.map((entry, i) => [`batch_workflows[${i}]`, entry])
      : isMapping(section)
        ? Object.entries(section).map(([id, entry]) => [`batch_workflows.${id}`, isMapping(entry) ? { id, ...entry } : entry])
        : [];
    if (!Array.isArray(section) && !isMapping(section)) context.issues.push({ path: 'batch_workflows', message: 'must be a list or a mapping by id' });
    const known = { functions: [...context.functions], isFunction: context.isFunction, llms: (context.section(LLM_CONFIG_SECTION) ?? []).map((llm) => llm.name) };
    const workflows: BatchWorkflowDefinition[] = [];
    const seen = new Set<string>();
    for (const [path, entry] of entries) {
      const { workflow, problems } = parseWorkflow(entry, known);
      context.issues.push(...problems.map((p: ConfigIssue) => ({ path: p.path ? `${path}.${p.path}` : path, message: p.message })));
      if (!workflow) continue;
      if (seen.has(workflow.id)) context.issues.push({ path, message: `workflow id '${workflow.id}' is used twice` });
      seen.add(workflow.id);
      workflows.push(workflow);
    }
    return workflows;
  },
};

/** The config sections batch reads; give them to `resolveConfig` after the LLM library's. */
export const BATCH_CONFIG_SECTIONS: ConfigSection[] = [BATCH_SETTINGS_SECTION, BATCH_WORKFLOWS_SECTION];
