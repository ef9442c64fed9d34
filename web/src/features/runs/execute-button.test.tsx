import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '@/lib/api';
import { SOCIAL_SCRIPT, USERS, WELCOME_NOTE } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { ExecuteButton } from './execute-button';

const selection = new Map(USERS.slice(0, 3).map((user) => [user.id, user]));
const refusal = { fields: SOCIAL_SCRIPT.fields, ok: false, missing: [{ userId: 'carol', userName: 'Carol Davis', fields: ['preferences.tone'] }] };

describe('ExecuteButton', () => {
  it('starts one run for every selected user', async () => {
    const start = vi.spyOn(api, 'startRun').mockResolvedValue({ runId: 'r9', executions: [] });
    const onStarted = vi.fn();
    const user = userEvent.setup();
    renderWithProviders(<ExecuteButton workflow={WELCOME_NOTE} selection={selection} preflight={{ loading: false }} onStarted={onStarted} />);
    await user.click(screen.getByRole('button', { name: 'Execute for Selected Users (3)' }));
    expect(start).toHaveBeenCalledWith({ workflowId: 'welcome-note', userIds: ['alice', 'bob', 'carol'] });
    expect(onStarted).toHaveBeenCalledWith('r9');
  });

  it('is disabled until users are selected', () => {
    renderWithProviders(<ExecuteButton workflow={WELCOME_NOTE} selection={new Map()} preflight={{ loading: false }} onStarted={() => {}} />);
    expect(screen.getByRole('button', { name: 'Execute for Selected Users (0)' })).toBeDisabled();
  });

  it('asks before forcing a run whose users lack fields (known from the preflight)', async () => {
    const start = vi.spyOn(api, 'startRun').mockResolvedValue({ runId: 'r9', executions: [] });
    const user = userEvent.setup();
    renderWithProviders(<ExecuteButton workflow={SOCIAL_SCRIPT} selection={selection} preflight={{ loading: false, preflight: refusal }} onStarted={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Execute for Selected Users (3)' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Some users lack fields' });
    expect(dialog).toHaveTextContent('Carol Davis: preferences.tone');
    expect(start).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Run anyway' }));
    expect(start).toHaveBeenCalledWith({ workflowId: 'social-script', userIds: ['alice', 'bob', 'carol'], force: true });
  });

  it('asks too when the server refuses the run with the preflight', async () => {
    const start = vi
      .spyOn(api, 'startRun')
      .mockRejectedValueOnce(new ApiError(400, 'bad_request', '1 user(s) lack fields', refusal))
      .mockResolvedValue({ runId: 'r9', executions: [] });
    const user = userEvent.setup();
    renderWithProviders(<ExecuteButton workflow={SOCIAL_SCRIPT} selection={selection} preflight={{ loading: true }} onStarted={() => {}} />);
    await user.click(screen.getByRole('button', { name: 'Execute for Selected Users (3)' }));
    await user.click(await screen.findByRole('button', { name: 'Run anyway' }));
    expect(start).toHaveBeenLastCalledWith(expect.objectContaining({ force: true }));
  });
});
