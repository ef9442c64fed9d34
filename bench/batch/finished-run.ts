import { RunsService } from '@userscope/batch';

/** A bench's directory users: `<prefix>0`…, all with the fields the bench workflows' templates use. */
export function benchUsers(prefix: string, count: number): { id: string; name: string; role: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, name: `User ${i}`, role: 'Engineer' }));
}

/** Starts a run and resolves once it has ended; throws unless every execution succeeded. */
export async function runToEnd(runs: RunsService, workflowId: string, userIds: string[], concurrency: number): Promise<void> {
  const { runId } = await runs.start({ workflowId, userIds, concurrency });
  await new Promise<void>((resolve) => {
    const off = runs.subscribe(runId, (event) => {
      if (event.type === 'end') {
        off();
        resolve();
      }
    });
  });
  const run = await runs.get(runId);
  if (run.progress.succeeded !== userIds.length) throw new Error(`only ${run.progress.succeeded}/${userIds.length} executions succeeded`);
}
