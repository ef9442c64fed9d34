export type * from './api';
export { BATCH_CONFIG, BATCH_LLM, BATCH_STORE } from './batch.constants';
export { BatchModule } from './batch.module';
export { BatchSettings } from './config/batch-settings.config';
export { BatchNodeDefinition, BatchWorkflowDefinition, NODE_ID, WORKFLOW_ID } from './config/batch-workflow.definition';
export { type BatchConfig, functionNodesOf, parseWorkflow, readBatchConfig } from './config/batch-config.reader';
export { BATCH_CONFIG_SECTIONS, BATCH_SETTINGS_SECTION, BATCH_WORKFLOWS_SECTION } from './config/batch-config.sections';
export {
  type MissingFieldPolicy,
  missingFields,
  parseMissingPolicy,
  placeholdersOf,
  renderTemplate,
  type TemplateContext,
  TemplateError,
  userFieldsOf,
} from './templates/template.renderer';
export {
  type BatchUser,
  type ExecutionRecord,
  type ExecutionStatus,
  type NodeResult,
  type RunMeta,
  type RunStatus,
} from './store/batch-records';
export { type BatchStore } from './store/batch-store.interface';
export { STORE_RETRY_AFTER_SECONDS, StoreUnavailableError } from './exceptions/store-unavailable.exception';
export { StaleLeaseError } from './exceptions/stale-lease.exception';
export { MemoryBatchStore } from './store/memory.batch-store';
export { RedisBatchStore, type RedisStoreOptions } from './store/redis.batch-store';
export { UsersService } from './users/users.service';
export { UserSelector } from './users/user.selector';
export { CsvError, flatten, parseCsv } from './users/csv';
export { csvDocument, csvRow } from '@userscope/runtime';
export { WorkflowsService } from './workflows/workflows.service';
export { DraftTester } from './workflows/draft.tester';
export { WorkflowCatalogService } from './workflows/workflow.catalog';
export { type BatchLlm, type BatchLlmReply, type BatchLlmRequest } from './runs/batch-llm.interface';
export { LlmNodeCaller } from './runs/llm-node.caller';
export { type ExecutionOutcome, ExecutionRunner } from './runs/execution.runner';
export { RunEvents } from './runs/run.events';
export { progressOf, runView } from './runs/run.view';
export { RunsService } from './runs/runs.service';
export { analytics, exportCsv, exportJson, groupResults, percentiles } from './runs/run-results.view';
export { ExecutionWorker } from './queue/execution.worker';
export { ExecutionQueue, type QueueCounts } from './queue/execution.queue';
export { WorkerPresence, type WorkerEntry } from './queue/worker.presence';
