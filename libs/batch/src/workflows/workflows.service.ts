import { Inject, Injectable } from '@nestjs/common';
import { configSection, discoveredFunctionOf, USERSCOPE_CONFIG, UserscopeConfig } from '@userscope/runtime';
import { LLM_CONFIG_SECTION } from '@userscope/llm';
import type { Preflight, WorkflowView } from '../api/workflows.types';
import { BATCH_CONFIG, BATCH_STORE } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { badRequest, conflict, notFound } from '../batch-http.errors';
import { BatchConfig, parseWorkflow } from '../config/batch-config.reader';
import { BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import { BatchStore } from '../store/batch-store.interface';
import { BatchUser } from '../store/batch-records';
import { missingFields } from '../templates/template.renderer';
import { fieldErrors } from '../validation/field-issues';
import { workflowUserFields } from './workflow.checker';

/** Batch workflows: those of the config file (read-only) and those made through the API. */
@Injectable()
export class WorkflowsService {
  private readonly fromConfig: Map<string, BatchWorkflowDefinition>;

  constructor(
    @Inject(BATCH_STORE) private readonly store: BatchStore,
    @Inject(BATCH_CONFIG) config: BatchConfig,
    @Inject(USERSCOPE_CONFIG) private readonly userscope: UserscopeConfig,
  ) {
    this.fromConfig = new Map(config.workflows.map((workflow) => [workflow.id, workflow]));
  }

  async list(): Promise<WorkflowView[]> {
    const stored = (await this.store.listWorkflows()).filter((workflow) => !this.fromConfig.has(workflow.id));
    return [...[...this.fromConfig.values()].map((w) => view(w, 'config')), ...stored.map((w) => view(w, 'api'))];
  }

  async get(id: string): Promise<WorkflowView> {
    const configured = this.fromConfig.get(id);
    if (configured) return view(configured, 'config');
    const stored = await this.store.getWorkflow(id);
    if (!stored) throw notFound(BatchMessages.noWorkflow(id));
    return view(stored, 'api');
  }

  async create(body: unknown): Promise<WorkflowView> {
    const workflow = this.check(body);
    if (this.fromConfig.has(workflow.id) || (await this.store.getWorkflow(workflow.id))) throw conflict(BatchMessages.workflowExists(workflow.id));
    await this.store.putWorkflow(workflow);
    return view(workflow, 'api');
  }

  async replace(id: string, body: unknown): Promise<WorkflowView> {
    if (this.fromConfig.has(id)) throw conflict(BatchMessages.configWorkflow(id));
    await this.get(id);
    const workflow = this.check({ ...(body as object), id });
    await this.store.putWorkflow(workflow);
    return view(workflow, 'api');
  }

  async delete(id: string): Promise<void> {
    if (this.fromConfig.has(id)) throw conflict(BatchMessages.configWorkflow(id));
    if (!(await this.store.deleteWorkflow(id))) throw notFound(BatchMessages.noWorkflow(id));
  }

  /** Which users lack which fields the workflow's templates use. */
  preflight(workflow: BatchWorkflowDefinition, users: BatchUser[]): Preflight {
    const fields = workflowUserFields(workflow);
    const missing = users
      .map((user) => ({ userId: user.id, userName: user.name, fields: missingFields(user, fields) }))
      .filter((entry) => entry.fields.length > 0);
    return { fields, missing, ok: missing.length === 0 };
  }

  /**
   * `body` as a workflow, checked as create and replace check it (400 with the fields and why).
   * `source` and `fields` are what GET adds: read-only, ignored in a body, so a GET result can be sent back.
   */
  check(body: unknown): BatchWorkflowDefinition {
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const { source: _source, fields: _fields, ...definition } = body as Record<string, unknown>;
      body = definition;
    }
    const { workflow, problems } = parseWorkflow(body, {
      functions: [...this.userscope.functions.keys()],
      isFunction: (name) => this.userscope.functions.has(name) || !!discoveredFunctionOf(this.userscope.groups, name),
      llms: configSection(this.userscope, LLM_CONFIG_SECTION).map((llm) => llm.name),
    });
    if (!workflow) throw badRequest(BatchMessages.invalidWorkflow(), fieldErrors(problems));
    return workflow;
  }
}

function view(workflow: BatchWorkflowDefinition, source: 'config' | 'api'): WorkflowView {
  return { ...workflow, source, fields: workflowUserFields(workflow) };
}
