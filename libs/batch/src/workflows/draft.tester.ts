import { toMilliseconds } from '@userscope/runtime';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RenderedNodeInput, TestedNode, WorkflowTestReply } from '../api/workflows.types';
import { BATCH_CONFIG } from '../batch.constants';
import { BatchMessages } from '../batch.messages';
import { badRequest, tooManyRequests } from '../batch-http.errors';
import { BatchConfig } from '../config/batch-config.reader';
import { ExecutionAttempt, ExecutionRunner } from '../runs/execution.runner';
import { NodeResult } from '../store/batch-records';
import { parseMissingPolicy } from '../templates/template.renderer';
import { UserSelector } from '../users/user.selector';
import { WorkflowsService } from './workflows.service';

/**
 * Runs a draft workflow for one user without saving anything: checked as a saved one would be, run
 * as the user (their functions' state, their token account), bounded by `batch.test_timeout` and
 * `batch.max_concurrent_tests`, and answered with what each node was sent and what it answered.
 */
@Injectable()
export class DraftTester {
  private running = 0;

  constructor(
    private readonly workflows: WorkflowsService,
    private readonly users: UserSelector,
    private readonly runner: ExecutionRunner,
    @Inject(BATCH_CONFIG) private readonly config: BatchConfig,
  ) {}

  /** Runs `draft` for user `userId`; `stop` aborting (the client went away) ends it at once. */
  async test(draft: unknown, userId: string, stop?: AbortSignal): Promise<WorkflowTestReply> {
    const { max_concurrent_tests: max, test_timeout: timeout } = this.config.settings;
    const workflow = this.workflows.check(draft);
    const [user] = await this.users.select({ userIds: [userId] });
    const preflight = this.workflows.preflight(workflow, [user]);
    if (!preflight.ok && parseMissingPolicy(workflow.on_missing)?.kind === 'error') throw badRequest(BatchMessages.testMissingFields(user.name, preflight.missing[0].fields), preflight);
    if (this.running >= max) throw tooManyRequests(BatchMessages.tooManyTests(max));

    this.running++;
    const results: NodeResult[] = [];
    const attempt: ExecutionAttempt = { results: [], billedTokens: 0, rendered: new Map<string, RenderedNodeInput>() };
    const writer = { runId: `test-${randomUUID()}`, putResult: async (result: NodeResult) => void results.push(result) };
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error(BatchMessages.testTimeout(timeout))), toMilliseconds(timeout));
    const onStop = () => deadline.abort(stop!.reason);
    if (stop?.aborted) onStop();
    stop?.addEventListener('abort', onStop, { once: true });
    const started = performance.now();
    let error: string | undefined;
    try {
      await this.runner.execute(writer, workflow, user, deadline.signal, attempt, deadline.signal);
    } catch (failure) {
      error = failure instanceof Error ? failure.message : String(failure);
    } finally {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
      this.running--;
    }

    const nodes: TestedNode[] = results.map((result) => ({
      nodeId: result.nodeId,
      type: result.type,
      ...(result.name ? { name: result.name } : {}),
      status: 'succeeded',
      input: attempt.rendered!.get(result.nodeId),
      content: result.content,
      structured: result.structured,
      ...(result.model ? { model: result.model } : {}),
      tokens: result.tokens,
      durationMs: result.durationMs,
    }));
    const failed = error === undefined ? undefined : workflow.nodes[results.length];
    if (failed) {
      const input = attempt.rendered!.get(failed.id);
      nodes.push({ nodeId: failed.id, type: failed.type, ...(failed.name ? { name: failed.name } : {}), status: 'failed', ...(input ? { input } : {}), error });
    }
    const resultNode = workflow.result_node ?? workflow.nodes[workflow.nodes.length - 1].id;
    return {
      userId: user.id,
      userName: user.name,
      status: error === undefined ? 'succeeded' : 'failed',
      ...(error === undefined ? { final: results.find((result) => result.nodeId === resultNode)?.content } : { error }),
      nodes,
      tokens: attempt.billedTokens,
      durationMs: Math.round(performance.now() - started),
    };
  }
}
