import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from '@/lib/api';
import { SOCIAL_SCRIPT, USERS, WELCOME_NOTE } from '@/test/fixtures';
import { renderWithProviders } from '@/test/render';
import { ExecuteButton } from './execute-button';

const selection = new Map(USERS.slice(0, 3).map((user) => [user.id, user]));
const refusal = { fields: SOCIAL_SCRIPT.fields, ok: false, missing: [{ userId: 'carol', userName: 'Carol Davis', fields: ['preferences.tone'] }] };

async function openRunDialog(props: Partial<Parameters<typeof ExecuteButton>[0]> = {}) {
  const onStarted = vi.fn();
  const user = userEvent.setup();
  renderWithProviders(<ExecuteButton workflow={WELCOME_NOTE} selection={selection} preflight={{ loading: false }} onStarted={onStarted} {...props} />);
  await user.click(screen.getByRole('button', { name: 'Execute for Selected Users (3)' }));
  const dialog = await screen.findByRole('dialog', { name: /^Run / });
  return { user, dialog, onStarted };
}

describe('ExecuteButton', () => {
  beforeEach(() => {
    vi.spyOn(api, 'runSettings').mockResolvedValue({ defaultConcurrency: 10, maxConcurrency: 20 });
  });

  it("opens the run dialog, offers the server's default concurrency, and starts one run for every selected user", async () => {
    const start = vi.spyOn(api, 'startRun').mockResolvedValue({ runId: 'r9', executions: [] });
    const { user, dialog, onStarted } = await openRunDialog();
    const concurrency = within(dialog).getByLabelText('Concurrency');
    expect(await within(dialog).findByText("Executions at once. Empty: the server's default, 10; at most 20.")).toBeInTheDocument();
    expect(concurrency).toHaveAttribute('placeholder', '10');
    expect(concurrency).toHaveAttribute('max', '20');
    await user.click(within(dialog).getByRole('button', { name: 'Start run (3)' }));
    // Left empty, the server's default applies: the body names none.
    expect(start).toHaveBeenCalledWith({ workflowId: 'welcome-note', userIds: ['alice', 'bob', 'carol'] });
    expect(onStarted).toHaveBeenCalledWith('r9');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('sends the concurrency typed, and refuses one above the maximum before asking the server', async () => {
    const start = vi.spyOn(api, 'startRun').mockResolvedValue({ runId: 'r9', executions: [] });
    const { user, dialog } = await openRunDialog();
    const concurrency = within(dialog).getByLabelText('Concurrency');
    await within(dialog).findByText(/at most 20/);
    await user.type(concurrency, '21');
    expect(within(dialog).getByText("Concurrency must be at most 20 (the server's batch.max_concurrency).")).toBeInTheDocument();
    expect(concurrency).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByRole('button', { name: 'Start run (3)' })).toBeDisabled();

    await user.clear(concurrency);
    await user.type(concurrency, '2');
    await user.click(within(dialog).getByRole('button', { name: 'Start run (3)' }));
    expect(start).toHaveBeenCalledWith({ workflowId: 'welcome-note', userIds: ['alice', 'bob', 'carol'], concurrency: 2 });
  });

  it("shows the server's refusal of a concurrency at the field", async () => {
    vi.spyOn(api, 'startRun').mockRejectedValue(new ApiError(400, 'bad_request', 'concurrency must be an integer from 1 to 5 (batch.max_concurrency).'));
    const { user, dialog } = await openRunDialog();
    await user.type(within(dialog).getByLabelText('Concurrency'), '7');
    await user.click(within(dialog).getByRole('button', { name: 'Start run (3)' }));
    expect(await within(dialog).findByText('concurrency must be an integer from 1 to 5 (batch.max_concurrency).')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('is disabled until users are selected', () => {
    renderWithProviders(<ExecuteButton workflow={WELCOME_NOTE} selection={new Map()} preflight={{ loading: false }} onStarted={() => {}} />);
    expect(screen.getByRole('button', { name: 'Execute for Selected Users (0)' })).toBeDisabled();
  });

  it('needs force ticked when the preflight found users lacking fields the workflow refuses to miss', async () => {
    const start = vi.spyOn(api, 'startRun').mockResolvedValue({ runId: 'r9', executions: [] });
    const { user, dialog } = await openRunDialog({ workflow: SOCIAL_SCRIPT, preflight: { loading: false, preflight: refusal } });
    const warning = within(dialog).getByRole('alert', { name: 'Some users lack fields' });
    expect(warning).toHaveTextContent('Carol Davis: preferences.tone');
    const startButton = within(dialog).getByRole('button', { name: 'Start run (3)' });
    expect(startButton).toBeDisabled();
    await user.click(within(dialog).getByRole('checkbox', { name: /Run anyway \(force\)/ }));
    await user.click(startButton);
    expect(start).toHaveBeenCalledWith({ workflowId: 'social-script', userIds: ['alice', 'bob', 'carol'], force: true });
  });

  it('offers no force when the workflow fills missing fields itself', async () => {
    const start = vi.spyOn(api, 'startRun').mockResolvedValue({ runId: 'r9', executions: [] });
    const { user, dialog } = await openRunDialog({ workflow: WELCOME_NOTE, preflight: { loading: false, preflight: refusal } });
    expect(within(dialog).queryByRole('checkbox', { name: /force/ })).not.toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Start run (3)' }));
    expect(start).toHaveBeenCalledWith({ workflowId: 'welcome-note', userIds: ['alice', 'bob', 'carol'] });
  });

  it('asks for force when the server refuses the run with the preflight (the page had none yet)', async () => {
    const start = vi
      .spyOn(api, 'startRun')
      .mockRejectedValueOnce(new ApiError(400, 'bad_request', '1 user(s) lack fields', refusal))
      .mockResolvedValue({ runId: 'r9', executions: [] });
    const { user, dialog } = await openRunDialog({ workflow: SOCIAL_SCRIPT, preflight: { loading: true } });
    await user.click(within(dialog).getByRole('button', { name: 'Start run (3)' }));
    await within(dialog).findByRole('alert', { name: 'Some users lack fields' });
    await user.click(within(dialog).getByRole('checkbox', { name: /Run anyway/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Start run (3)' }));
    expect(start).toHaveBeenLastCalledWith(expect.objectContaining({ force: true }));
  });
});
