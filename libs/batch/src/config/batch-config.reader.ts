import { configSection, UserscopeConfig } from '@userscope/runtime';
import { BatchSettings } from './batch-settings.config';
import { BatchWorkflowDefinition } from './batch-workflow.definition';
import { BATCH_SETTINGS_SECTION, BATCH_WORKFLOWS_SECTION } from './batch-config.sections';

export { parseWorkflow } from './batch-workflow.parser';

/** The batch part of a config: settings and the workflows defined in YAML. */
export interface BatchConfig {
  settings: BatchSettings;
  workflows: BatchWorkflowDefinition[];
}

/** The batch part of a config loaded with `BATCH_CONFIG_SECTIONS`. */
export function readBatchConfig(config: UserscopeConfig): BatchConfig {
  return { settings: configSection(config, BATCH_SETTINGS_SECTION), workflows: configSection(config, BATCH_WORKFLOWS_SECTION) };
}

/**
 * The function nodes of the configured workflows, each as `batch_workflows.<id>.<node>`: the calls a
 * run makes as its users (in cluster mode, on each user's owner).
 */
export function functionNodesOf(batch: BatchConfig): string[] {
  return batch.workflows.flatMap((workflow) => workflow.nodes.filter((node) => node.type === 'function').map((node) => `batch_workflows.${workflow.id}.${node.id}`));
}
