import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConfigError, ConfigIssue, UserscopeConfig, validateConfigSection } from '@userscope/runtime';
import { BatchSettings } from './batch-settings.config';
import { BatchWorkflowDefinition } from './batch-workflow.definition';
import { fieldIssues } from '../validation/field-issues';
import { checkWorkflow } from '../workflows/workflow.checker';

/** The batch part of a config: settings and the workflows defined in YAML. */
export interface BatchConfig {
  settings: BatchSettings;
  workflows: BatchWorkflowDefinition[];
}

/** Reads `batch:` and `batch_workflows:` (a list, or a mapping by id); every problem with its key path. */
export function readBatchConfig(config: UserscopeConfig): BatchConfig {
  const issues: ConfigIssue[] = [];
  const settingsSection = config.document.batch ?? {};
  let settings = new BatchSettings();
  if (!isMapping(settingsSection)) {
    issues.push({ path: 'batch', message: 'must be a mapping' });
  } else {
    settings = validateConfigSection(BatchSettings, settingsSection, 'batch', issues);
  }

  const workflows: BatchWorkflowDefinition[] = [];
  const section = config.document.batch_workflows ?? [];
  const entries: [string, unknown][] = Array.isArray(section)
    ? section.map((entry, i) => [`batch_workflows[${i}]`, entry])
    : isMapping(section)
      ? Object.entries(section).map(([id, entry]) => [`batch_workflows.${id}`, isMapping(entry) ? { id, ...entry } : entry])
      : [];
  if (!Array.isArray(section) && !isMapping(section)) issues.push({ path: 'batch_workflows', message: 'must be a list or a mapping by id' });
  const context = { functions: [...config.functions.keys()], llms: Object.keys(config.llms) };
  const seen = new Set<string>();
  for (const [path, entry] of entries) {
    const { workflow, problems } = parseWorkflow(entry, context);
    issues.push(...problems.map((p) => ({ path: p.path ? `${path}.${p.path}` : path, message: p.message })));
    if (!workflow) continue;
    if (seen.has(workflow.id)) issues.push({ path, message: `workflow id '${workflow.id}' is used twice` });
    seen.add(workflow.id);
    workflows.push(workflow);
  }
  if (issues.length > 0) throw new ConfigError(config.file, issues);
  return { settings, workflows };
}

/** Validates a workflow (from YAML or the API) against its class and the configured functions and LLMs. */
export function parseWorkflow(
  entry: unknown,
  context: { functions: string[]; llms: string[] },
): { workflow?: BatchWorkflowDefinition; problems: ConfigIssue[] } {
  if (!isMapping(entry)) return { problems: [{ path: '', message: 'must be a mapping' }] };
  const workflow = plainToInstance(BatchWorkflowDefinition, entry, { exposeDefaultValues: true });
  const problems = fieldIssues(validateSync(workflow, { whitelist: true, forbidNonWhitelisted: true }));
  if (problems.length > 0) return { problems };
  const semantic = checkWorkflow(workflow, context);
  return semantic.length > 0 ? { problems: semantic } : { workflow, problems: [] };
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}
