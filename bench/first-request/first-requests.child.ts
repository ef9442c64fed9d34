import { SessionRegistry, WorkflowRunner } from '@userscope/runtime';
import { measureInChild } from '../harness/child-measurement';
import { UserConnection } from '../fixtures/per-user-connection.plugin';
import { BuildVariant, FIRST_REQUEST_BODY, firstRequestApp } from './first-request-app';

export interface FirstRequestsParams {
  variant: BuildVariant;
  users: number;
  warmupUsers: number;
  concurrency: number;
}

/** New users served per second, each with their first request, and what those requests waited. */
export interface FirstRequestsResult {
  users: number;
  seconds: number;
  usersPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Sessions built during the measured run: must equal `users`. */
  sessionsBuilt: number;
  /** Connections the fixture opened meanwhile, where the bench can count them (in-process): must equal `users`. */
  connectionsOpened?: number;
}

/**
 * In-process: `concurrency` callers of WorkflowRunner.run (what POST /generate calls), each taking
 * the next new user, until every user has made their first request.
 */
measureInChild<FirstRequestsParams, FirstRequestsResult>(async (params) => {
  const app = await firstRequestApp(params.variant);
  try {
    const runner = app.get(WorkflowRunner);
    const registry = app.get(SessionRegistry);
    await firstRequests(runner, 'warm', params.warmupUsers, params.concurrency, []);
    const [sessionsBefore, connectionsBefore] = [registry.size, UserConnection.opened];
    const latencies: number[] = [];
    const started = performance.now();
    await firstRequests(runner, 'user', params.users, params.concurrency, latencies);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      users: params.users,
      seconds,
      usersPerSec: params.users / seconds,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      sessionsBuilt: registry.size - sessionsBefore,
      connectionsOpened: UserConnection.opened - connectionsBefore,
    };
  } finally {
    await app.close();
  }
});

async function firstRequests(runner: WorkflowRunner, prefix: string, users: number, concurrency: number, latencies: number[]): Promise<void> {
  let next = 0;
  const caller = async () => {
    while (next < users) {
      const userId = `${prefix}-${next++}`;
      const started = performance.now();
      const reply = (await runner.run({ userId }, JSON.parse(FIRST_REQUEST_BODY))) as { user?: string; calls?: number };
      latencies.push(performance.now() - started);
      if (reply.user !== userId || reply.calls !== 1) throw new Error(`${userId}'s first request got ${JSON.stringify(reply)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
