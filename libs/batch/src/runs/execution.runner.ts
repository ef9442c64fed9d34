import { Inject, Injectable, Optional } from '@nestjs/common';
import { Attributes, SpanKind } from '@opentelemetry/api';
import { agentAttributes, agentSpanName, inGenAiSpan, inRunSlot, RUN_ADMISSION, RunAdmission, runWithDeadline, UserCalls, UserInvoker, toMilliseconds } from '@userscope/runtime';
import { BATCH_CONFIG, BATCH_LLM } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { BatchConfig } from '../config/batch-config.reader';
import { BatchNodeDefinition, BatchWorkflowDefinition } from '../config/batch-workflow.definition';
import type { RenderedNodeInput } from '../api/workflows.types';
import { BatchUser, NodeResult } from '../store/batch-records';
import { MissingFieldPolicy, parseMissingPolicy, renderTemplate, TemplateContext } from '../templates/template.renderer';
import { BatchLlm } from './batch-llm.interface';

/** Where an execution's node results go as they are made: the run's writer, or a queued execution's claim. */
export interface ResultWriter {
  /** The run the results are of. */
  readonly runId: string;
  putResult(result: NodeResult): Promise<void>;
}

/** What one user's execution produced. */
export interface ExecutionOutcome {
  final: unknown;
  tokens: number;
}

/** One attempt at an execution, filled in as it goes, so that an attempt that fails still tells what it did. */
export interface ExecutionAttempt {
  /** In: stored results of the nodes earlier attempts completed, which this one continues after. Out: with this attempt's. */
  results: NodeResult[];
  /** Out: tokens of every LLM call this attempt made, a failed node's included. */
  billedTokens: number;
  /** The run and the execution it belongs to, named on its `invoke_agent` span. */
  runId?: string;
  executionId?: string;
  /** Out, when given: what each node this attempt ran was sent, templates filled in (set before the node is called). */
  rendered?: Map<string, RenderedNodeInput>;
}

/**
 * Runs a batch workflow's nodes in order for one user, as that user: inside the user's session, so
 * per-user functions see the user's own state and LLM usage is accounted to the user. In cluster
 * mode, when another replica owns the user, the function nodes run there, as the user (see
 * `UserInvoker`). Each node's output is stored under `${userId}-${nodeId}` as soon as it exists.
 */
@Injectable()
export class ExecutionRunner {
  constructor(
    private readonly users: UserInvoker,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
    @Optional() @Inject(BATCH_LLM) private readonly llm?: BatchLlm,
    /** Each attempt is one of the user's runs (`general.limits.concurrent_runs`). */
    @Optional() @Inject(RUN_ADMISSION) private readonly admission?: RunAdmission,
  ) {}

  /**
   * One attempt: runs the nodes `attempt.results` lacks, appending each result to them (stored by
   * `writer`), and counts the attempt's tokens. When `signal` aborts (shutdown) the
   * nodes' signals abort and the execution stops before its next node; when `abandonOn` aborts (a
   * cancel, a shutdown that waited long enough) or after `batch.execution_timeout`, it ends at once,
   * even while a node ignores its signal, and frees the user's slot.
   */
  async execute(
    writer: ResultWriter,
    workflow: BatchWorkflowDefinition,
    user: BatchUser,
    signal: AbortSignal,
    attempt: ExecutionAttempt = { results: [], billedTokens: 0 },
    abandonOn?: AbortSignal,
  ): Promise<ExecutionOutcome> {
    const timeout = this.config.settings.execution_timeout;
    const forRun = <T>(work: () => T) => (this.llm ? this.llm.forRun(writer.runId, work) : work());
    return inGenAiSpan(agentSpanName(workflow.id), SpanKind.INTERNAL, () => executionAttributes(workflow, user.id, attempt), () =>
      forRun(() =>
        this.admitted(user.id, () =>
          this.users.runAs(user.id, (calls) =>
            runWithDeadline((bounded) => this.billed(attempt, () => this.runNodes(writer, workflow, user, calls, bounded, attempt)), {
              parent: signal,
              abandonOn,
              timeoutMs: timeout === undefined ? undefined : toMilliseconds(timeout),
              timeoutError: () => new Error(BatchMessages.executionTimeout(timeout!)),
            }),
          ),
        ),
      ),
    );
  }

  /** `work` in one of the user's run slots; over `concurrent_runs` it throws the 429, which the retry policy waits out. */
  private admitted<T>(userId: string, work: () => Promise<T>): Promise<T> {
    return this.admission ? inRunSlot(this.admission, userId, work) : work();
  }

  /** `work`'s outcome, with the tokens of its LLM calls in `attempt`, whether it succeeds or throws. */
  private async billed<T>(attempt: ExecutionAttempt, work: () => Promise<T>): Promise<T> {
    if (!this.llm) return work();
    const { value: settled, tokens } = await this.llm.measure(() => work().then((value) => ({ value }), (error: unknown) => ({ error })));
    attempt.billedTokens = tokens;
    if ('error' in settled) throw settled.error;
    return settled.value;
  }

  private async runNodes(
    writer: ResultWriter,
    workflow: BatchWorkflowDefinition,
    user: BatchUser,
    calls: UserCalls,
    signal: AbortSignal,
    attempt: ExecutionAttempt,
  ): Promise<ExecutionOutcome> {
    const completed = attempt.results;
    const policy = parseMissingPolicy(workflow.on_missing)!;
    const context: TemplateContext = { user, nodes: {} };
    const stored = new Map(completed.map((result) => [result.nodeId, result]));
    let resuming = stored.size > 0;
    let tokens = 0;
    let final: unknown;
    for (const node of workflow.nodes) {
      // Nodes done before an interruption are taken from the store, as long as they form a prefix.
      const done = resuming ? stored.get(node.id) : undefined;
      if (done) {
        context.nodes[node.id] = done.content;
        tokens += done.tokens;
        final = done.content;
        continue;
      }
      resuming = false;
      signal.throwIfAborted();
      const started = performance.now();
      const output = await this.runNode(node, context, policy, calls, signal, attempt.rendered);
      const result: NodeResult = {
        nodeId: node.id,
        type: node.type,
        ...(node.name ? { name: node.name } : {}),
        ...(output.model ? { model: output.model } : {}),
        ...(output.llmType ? { llmType: output.llmType } : {}),
        structured: output.structured,
        content: output.content,
        tokens: output.tokens,
        userName: user.name,
        userId: user.id,
        durationMs: Math.round(performance.now() - started),
      };
      await writer.putResult(result);
      completed.push(result);
      context.nodes[node.id] = output.content;
      tokens += output.tokens;
      final = output.content;
    }
    return { final, tokens };
  }

  private runNode(
    node: BatchNodeDefinition,
    context: TemplateContext,
    policy: MissingFieldPolicy,
    calls: UserCalls,
    signal: AbortSignal,
    rendered?: Map<string, RenderedNodeInput>,
  ): Promise<NodeOutput> {
    const fill = (template: string) => renderTemplate(template, context, policy, this.config.settings.max_injected_length);
    // One method a type, so that an execution waiting on its node holds only that type's frame.
    switch (node.type) {
      case 'template':
        // A template that cannot be filled rejects, as the other types' failures do.
        return new Promise((resolve) => {
          const text = fill(node.template!);
          rendered?.set(node.id, { template: text });
          resolve({ content: text, tokens: 0, structured: false });
        });
      case 'function':
        return this.runFunctionNode(node, fill, calls, signal, rendered);
      case 'llm':
        return this.runLlmNode(node, fill, signal, rendered);
    }
  }

  private async runFunctionNode(
    node: BatchNodeDefinition,
    fill: (template: string) => string,
    calls: UserCalls,
    signal: AbortSignal,
    rendered?: Map<string, RenderedNodeInput>,
  ): Promise<NodeOutput> {
    const input = fillDeep(node.input, fill);
    rendered?.set(node.id, { function: node.function!, input });
    const invoke = () => calls.invoke(node.function!, input, signal);
    const { value: content, tokens } = this.llm ? await this.llm.measure(invoke) : { value: await invoke(), tokens: 0 };
    return { content, tokens, structured: typeof content === 'object' && content !== null, model: undefined };
  }

  private async runLlmNode(node: BatchNodeDefinition, fill: (template: string) => string, signal: AbortSignal, rendered?: Map<string, RenderedNodeInput>): Promise<NodeOutput> {
    if (!this.llm) throw new Error(BatchMessages.noLlm());
    const system = node.system === undefined ? undefined : fill(node.system);
    const prompt = fill(node.prompt!);
    rendered?.set(node.id, { ...(system === undefined ? {} : { system }), prompt });
    const reply = await this.llm.complete({ llm: node.llm!, system, prompt, schema: node.output_schema, signal });
    return { content: reply.content, tokens: reply.tokens, model: reply.model, llmType: reply.llmType, structured: reply.structured };
  }
}

/** What a node made, before it is stored as its NodeResult. */
interface NodeOutput {
  content: unknown;
  tokens: number;
  model?: string;
  llmType?: string;
  structured: boolean;
}

/** Every string inside `value` filled as a template; the rest as it is. */
function fillDeep(value: unknown, fill: (template: string) => string): unknown {
  if (typeof value === 'string') return fill(value);
  if (Array.isArray(value)) return value.map((item) => fillDeep(item, fill));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fillDeep(item, fill)]));
  }
  return value;
}

/** A batch execution's span attributes: the workflow as the agent, the user, the run and execution ids. */
function executionAttributes(workflow: BatchWorkflowDefinition, userId: string, attempt: ExecutionAttempt): Attributes {
  return agentAttributes(workflow.name, userId, {
    'gen_ai.agent.id': workflow.id,
    ...(attempt.runId === undefined ? {} : { 'userscope.batch.run_id': attempt.runId }),
    ...(attempt.executionId === undefined ? {} : { 'userscope.batch.execution_id': attempt.executionId }),
  });
}
