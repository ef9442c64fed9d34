import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { api, type Run, type RunEvent } from '@/lib/api';
import { run } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { RunProgress } from './run-progress';
import { applyRunEvent } from './use-run-events';

/** A fake event stream: the test pushes events; each `followRun` call is one connection. */
function fakeEvents() {
  const connections: { emit(event: RunEvent): void; end(): void }[] = [];
  const follow = vi.spyOn(api, 'followRun').mockImplementation(
    (_id, onEvent, signal) =>
      new Promise<void>((resolve) => {
        connections.push({
          emit: (event) => act(() => onEvent(event)),
          end: () => resolve(),
        });
        signal.addEventListener('abort', () => resolve());
      }),
  );
  return { follow, connections };
}

describe('applyRunEvent', () => {
  it('replaces the changed execution and the progress', () => {
    const start = run();
    const next = applyRunEvent(start, { type: 'execution', data: { ...start.executions[0], status: 'succeeded', tokens: 150 } });
    expect(next!.executions[0]).toMatchObject({ status: 'succeeded', tokens: 150 });
    expect(next!.executions[1]).toBe(start.executions[1]);
    expect(applyRunEvent(next, { type: 'end', data: { status: 'completed' } })!.status).toBe('completed');
  });

  it("keeps the run's tokens up to date from its executions' changes", () => {
    const start = run();
    const once = applyRunEvent(start, { type: 'execution', data: { ...start.executions[0], status: 'running', attempts: 2, tokens: 0, billedTokens: 40 } });
    const twice = applyRunEvent(once, { type: 'execution', data: { ...start.executions[0], status: 'succeeded', attempts: 2, tokens: 30, billedTokens: 70 } });
    expect(twice).toMatchObject({ tokens: 30, billedTokens: 70 });
  });

  it('keeps to its page of a large run: an execution beyond it is not added', () => {
    const start = run({ page: { offset: 0, limit: 3, total: 5000 } });
    const beyond = { ...start.executions[0], id: 'workflow-zed-run1', userId: 'zed', userName: 'Zed' };
    expect(applyRunEvent(start, { type: 'execution', data: beyond })!.executions).toHaveLength(3);
  });
});

describe('RunProgress', () => {
  it('shows live progress and a status chip per user from the run’s events', async () => {
    const { connections } = fakeEvents();
    renderWithProviders(<RunProgress runId="run1" onOpenResults={() => {}} />);
    await waitFor(() => expect(connections).toHaveLength(1));
    const events = connections[0];
    events.emit({ type: 'snapshot', data: run() });
    expect(screen.getByRole('progressbar', { name: 'Run progress' })).toHaveAttribute('aria-valuenow', '0');
    const chips = screen.getByRole('list', { name: 'Status per user' });
    expect(within(chips).getAllByRole('listitem').map((chip) => chip.getAttribute('data-status'))).toEqual(['running', 'running', 'pending']);

    events.emit({ type: 'execution', data: { ...run().executions[0], status: 'succeeded', tokens: 150, billedTokens: 150, durationMs: 900 } });
    events.emit({ type: 'progress', data: { total: 3, pending: 1, running: 1, succeeded: 1, failed: 0, cancelled: 0 } });
    expect(screen.getByRole('progressbar', { name: 'Run progress' })).toHaveAttribute('aria-valuenow', '33');
    expect(within(chips).getByText('Alice Johnson').closest('li')).toHaveAttribute('data-status', 'succeeded');
    expect(screen.getByText('1 of 3')).toBeInTheDocument();
    expect(screen.getByText('150 tokens')).toBeInTheDocument();
  });

  it('cancels a running run', async () => {
    const { connections } = fakeEvents();
    const cancel = vi.spyOn(api, 'cancelRun').mockResolvedValue(run({ status: 'cancelled' }));
    const user = userEvent.setup();
    renderWithProviders(<RunProgress runId="run1" onOpenResults={() => {}} />);
    await waitFor(() => expect(connections).toHaveLength(1));
    connections[0].emit({ type: 'snapshot', data: run() });
    await user.click(screen.getByRole('button', { name: 'Cancel run' }));
    expect(cancel).toHaveBeenCalledWith('run1');
    expect(await screen.findByText('Run cancelled')).toBeInTheDocument();
  });

  it('retries the failed executions of a finished run and follows it again', async () => {
    const { connections } = fakeEvents();
    const retry = vi.spyOn(api, 'retryFailed').mockResolvedValue(run());
    const onEnded = vi.fn();
    const onOpenResults = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<RunProgress runId="run1" onOpenResults={onOpenResults} onEnded={onEnded} />);
    await waitFor(() => expect(connections).toHaveLength(1));
    const failed: Run = run({
      status: 'failed',
      progress: { total: 3, pending: 0, running: 0, succeeded: 2, failed: 1, cancelled: 0 },
      executions: run().executions.map((execution, index) => ({ ...execution, status: index === 2 ? 'failed' : 'succeeded', error: index === 2 ? 'timeout' : undefined })),
    });
    connections[0].emit({ type: 'snapshot', data: failed });
    connections[0].emit({ type: 'end', data: { status: 'failed' } });
    connections[0].end();
    expect(onEnded).toHaveBeenCalledWith(expect.objectContaining({ id: 'run1', status: 'failed' }));
    expect(screen.queryByRole('button', { name: 'Cancel run' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Retry failed (1)' }));
    expect(retry).toHaveBeenCalledWith('run1');
    await waitFor(() => expect(connections).toHaveLength(2));

    await user.click(screen.getByRole('button', { name: 'View results' }));
    expect(onOpenResults).toHaveBeenCalledWith('run1');
  });
});
