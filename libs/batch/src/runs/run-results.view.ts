import type { Analytics, DurationStats, RunResults } from '../api/runs.types';
import { ExecutionRecord, NodeResult, RunMeta } from '../store/batch-records';
import { csvDocument } from '@userscope/runtime';
import { flatten } from '../users/csv';
import { billedTokensOf } from './run.view';

/** A run's stored results grouped by user, nodes in workflow order, the result node's output as final. */
export function groupResults(meta: RunMeta, executions: ExecutionRecord[], results: NodeResult[]): RunResults {
  const order = new Map(meta.workflow.nodes.map((node, i) => [node.id, i]));
  const resultNode = meta.workflow.result_node ?? meta.workflow.nodes[meta.workflow.nodes.length - 1].id;
  const byUser = new Map<string, NodeResult[]>();
  for (const result of results) byUser.set(result.userId, [...(byUser.get(result.userId) ?? []), result]);
  return {
    runId: meta.id,
    workflowId: meta.workflowId,
    users: executions.map((execution) => {
      const nodes = (byUser.get(execution.userId) ?? []).sort((a, b) => order.get(a.nodeId)! - order.get(b.nodeId)!);
      const final = nodes.find((node) => node.nodeId === resultNode);
      return {
        userId: execution.userId,
        userName: execution.userName,
        status: execution.status,
        ...(execution.error ? { error: execution.error } : {}),
        ...(execution.durationMs !== undefined ? { durationMs: execution.durationMs } : {}),
        tokens: execution.tokens,
        billedTokens: billedTokensOf(execution),
        nodes,
        ...(execution.status === 'succeeded' && final ? { final: final.content } : {}),
      };
    }),
  };
}

/** The seed's "Copy All Results": `[{user, result}]` for every user with a final result. */
export function exportJson(results: RunResults): { user: string; result: unknown }[] {
  return results.users.filter((user) => 'final' in user).map((user) => ({ user: user.userName, result: user.final }));
}

/** One row per user; an object result flattened into `result.<key>` columns. UTF-8 with a BOM. */
export function exportCsv(results: RunResults): string {
  const rows = results.users.map((user) => ({
    user: user.userName,
    user_id: user.userId,
    status: user.status,
    tokens: String(user.tokens),
    ...flatten(user.final === undefined ? {} : { result: user.final }),
    error: user.error ?? '',
  }));
  const fixed = ['user', 'user_id', 'status', 'tokens'];
  const resultColumns = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((c) => !fixed.includes(c) && c !== 'error');
  const header = [...fixed, ...resultColumns, 'error'];
  return csvDocument(header, rows.map((row) => header.map((column) => (row as Record<string, string>)[column] ?? '')));
}

export function analytics(meta: RunMeta, results: RunResults): Analytics {
  const finished = results.users.filter((user) => user.status === 'succeeded' || user.status === 'failed');
  const succeeded = results.users.filter((user) => user.status === 'succeeded');
  const totalTokens = results.users.reduce((sum, user) => sum + user.tokens, 0);
  const billedTokens = results.users.reduce((sum, user) => sum + user.billedTokens, 0);
  const nodes = results.users.flatMap((user) => user.nodes);
  return {
    runId: meta.id,
    successRate: ratio(succeeded.length, finished.length),
    totalTokens,
    billedTokens,
    averageTokens: ratio(totalTokens, results.users.length),
    duration: percentiles(succeeded.map((user) => user.durationMs ?? 0)),
    byNode: meta.workflow.nodes.map((node) => {
      const outputs = nodes.filter((result) => result.nodeId === node.id);
      const tokens = outputs.reduce((sum, result) => sum + result.tokens, 0);
      return {
        nodeId: node.id,
        successRate: ratio(outputs.length, finished.length),
        totalTokens: tokens,
        averageTokens: ratio(tokens, outputs.length),
        duration: percentiles(outputs.map((result) => result.durationMs)),
      };
    }),
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000;
}

/** Nearest-rank p50 and p95 in milliseconds. */
export function percentiles(values: number[]): DurationStats {
  if (values.length === 0) return { p50: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: rank(50), p95: rank(95) };
}
