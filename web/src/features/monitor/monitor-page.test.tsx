import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { api, ApiError, type MonitorSnapshot } from '@/lib/api';
import { renderWithProviders } from '@/test/render';
import { sampleOf } from './monitor-history';
import { MonitorPage } from './monitor-page';

function snapshot(tokens: number): MonitorSnapshot {
  const now = new Date().toISOString();
  return {
    timestamp: now,
    total_active_users: 2,
    users: [
      {
        user_id: 'alice',
        session: { created_at: now, last_activity: now, ref_count: 1, is_active: true },
        requests: { total_requests: 3, active_requests: 1, avg_latency_ms: 10, error_count: 0 },
        memory: { per_user_functions_count: 3, per_user_function_groups_count: 0, exit_stack_size: 3 },
        llm: { prompt_tokens: tokens - 20, completion_tokens: 20, total_tokens: tokens, llm_calls: 2, cost_micros: { USD: 72 } },
        budget: {
          remaining: [
            { limit: 'tokens_per_day', unit: 'tokens', period: '2026-12-02', resets_at: '2026-12-03T00:00:00.000Z', allowed: 10000, used: tokens, remaining: 10000 - tokens },
            { limit: 'cost_per_month', unit: 'cost_micros', period: '2026-12', resets_at: '2027-01-01T00:00:00.000Z', allowed: 1_000_000, used: 72, remaining: 999_928 },
          ],
          concurrent_runs: 1,
          runs_in_flight: 1,
        },
      },
      {
        user_id: 'bob',
        session: { created_at: now, last_activity: now, ref_count: 0, is_active: false },
        requests: { total_requests: 1, active_requests: 0, avg_latency_ms: 30, error_count: 1 },
        memory: { per_user_functions_count: 3, per_user_function_groups_count: 0, exit_stack_size: 3 },
        llm: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, llm_calls: 0 },
      },
    ],
  };
}

describe('sampleOf', () => {
  it('totals a poll: request-weighted latency, tokens, requests in flight', () => {
    expect(sampleOf(snapshot(100), 5)).toEqual({ time: 5, activeUsers: 2, activeRequests: 1, totalRequests: 4, totalTokens: 100, avgLatencyMs: 15 });
  });
});

describe('MonitorPage', () => {
  it('shows each session with latency and tokens, and polls for more', async () => {
    const poll = vi.spyOn(api, 'monitorUsers').mockResolvedValueOnce(snapshot(100)).mockResolvedValue(snapshot(250));
    renderWithProviders(<MonitorPage pollMs={40} />);
    const sessions = await screen.findByRole('table', { name: /Sessions/ });
    const alice = within(sessions).getByText('alice').closest('tr')!;
    expect(alice).toHaveTextContent('1 running');
    expect(alice).toHaveTextContent('10.0 ms');
    expect(alice).toHaveTextContent('100 (80 / 20)');
    expect(alice).toHaveTextContent('USD 0.000072');
    expect(alice).toHaveTextContent('tokens today: 9,900 of 10,000');
    expect(alice).toHaveTextContent('cost this month: 0.999928 of 1');
    expect(within(alice).getByText('runs: 1 of 1 in flight')).toHaveClass('text-destructive');
    expect(within(sessions).getByText('bob').closest('tr')).toHaveTextContent('–');
    expect(within(sessions).getByText('bob').closest('tr')).toHaveTextContent('no limits');
    expect(within(sessions).getByText('bob').closest('tr')).toHaveTextContent('idle');

    await waitFor(() => expect(poll.mock.calls.length).toBeGreaterThanOrEqual(3));
    await waitFor(() => expect(screen.getByLabelText('Totals')).toHaveTextContent('LLM tokens250'));
    expect(within(sessions).getByText('alice').closest('tr')).toHaveTextContent('tokens today: 9,750 of 10,000');
    expect(screen.getAllByRole('img', { name: /Users and requests in flight|LLM tokens/ }).length).toBeGreaterThan(0);
    expect(screen.getByRole('img', { name: /Users and requests in flight/ }).querySelectorAll('polyline')).toHaveLength(2);
  });

  it('says how to turn monitoring on when the server has it off', async () => {
    vi.spyOn(api, 'monitorUsers').mockRejectedValue(new ApiError(404, 'not_found', 'Monitoring is disabled'));
    renderWithProviders(<MonitorPage pollMs={1000} />);
    expect(await screen.findByText('Monitoring is off on this server')).toBeInTheDocument();
  });

  it('offers the admin token when the server refuses', async () => {
    vi.spyOn(api, 'monitorUsers').mockRejectedValue(new ApiError(401, 'unauthorized', 'Send Authorization: Bearer <admin token>'));
    renderWithProviders(<MonitorPage pollMs={1000} />);
    expect(await screen.findByText('This server needs an admin token')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Set admin token' })).toBeInTheDocument();
  });
});
